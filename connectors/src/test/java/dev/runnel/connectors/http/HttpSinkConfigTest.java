package dev.runnel.connectors.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Validation errors on their fields, header parsing and the retry policy. */
class HttpSinkConfigTest {
  private static Map<String, List<String>> errors(String... pairs) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      props.put(pairs[i], pairs[i + 1]);
    }
    return new HttpSinkConnector().validate(props).configValues().stream()
        .filter(value -> !value.errorMessages().isEmpty())
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void errors_name_the_field() {
    assertEquals(List.of("http.url"), List.copyOf(errors().keySet()));
    assertEquals(List.of("http.url"), List.copyOf(errors("http.url", "ftp://host/x").keySet()));
    assertEquals(List.of("http.url"), List.copyOf(errors("http.url", "not a url").keySet()));
    assertEquals(List.of("batch.max.size"), List.copyOf(errors("http.url", "http://h/x", "batch.max.size", "0").keySet()));
    Map<String, List<String>> badHeaders = errors("http.url", "http://h/x", "headers", "Authorization Bearer secret");
    assertEquals(List.of("headers"), List.copyOf(badHeaders.keySet()));
    assertFalse(badHeaders.get("headers").get(0).contains("secret"), "header values are never echoed");
    assertEquals(List.of("retry.backoff.max.ms"), List.copyOf(errors("http.url", "http://h/x",
        "retry.backoff.ms", "1000", "retry.backoff.max.ms", "10").keySet()));
    assertTrue(errors("http.url", "https://h:8443/x", "headers", "A: 1|B: x:y").isEmpty());

    ConfigException thrown = assertThrows(ConfigException.class,
        () -> new HttpSinkConnector().start(Map.of("http.url", "http://h/x", "headers", ": x")));
    assertTrue(thrown.getMessage().startsWith("headers"), thrown.getMessage());
  }

  @Test
  void headers_keep_colons_in_values_and_a_custom_separator() {
    HttpSinkConfig config = new HttpSinkConfig(Map.of("http.url", "http://h/x",
        "headers", "X-A: 1 ; X-Time: 10:30", "headers.separator", ";"));
    assertEquals(Map.of("X-A", "1", "X-Time", "10:30"), config.headers());
  }

  @Test
  void retry_policy_doubles_the_backoff_up_to_the_cap_and_retries_only_temporary_answers() {
    RetryPolicy policy = new RetryPolicy(5, 100, 350);
    assertEquals(List.of(100L, 200L, 350L, 350L),
        List.of(policy.backoffMs(1), policy.backoffMs(2), policy.backoffMs(3), policy.backoffMs(4)));
    assertEquals(RetryPolicy.Outcome.SUCCESS, RetryPolicy.classify(204));
    assertEquals(RetryPolicy.Outcome.RETRY, RetryPolicy.classify(503));
    assertEquals(RetryPolicy.Outcome.RETRY, RetryPolicy.classify(429));
    assertEquals(RetryPolicy.Outcome.RETRY, RetryPolicy.classify(408));
    assertEquals(RetryPolicy.Outcome.FAIL, RetryPolicy.classify(404));
    assertEquals(RetryPolicy.Outcome.FAIL, RetryPolicy.classify(301));
  }
}
