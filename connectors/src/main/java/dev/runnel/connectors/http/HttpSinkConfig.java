package dev.runnel.connectors.http;

import dev.runnel.connectors.ConfigChecks.Problem;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The HTTP sink's settings (docs/connectors.md has the table). */
final class HttpSinkConfig extends AbstractConfig {
  static final String HTTP_URL = "http.url";
  static final String BATCH_MAX_SIZE = "batch.max.size";
  static final String RETRY_MAX = "retry.max";
  static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
  static final String HEADERS = "headers";
  static final String HEADERS_SEPARATOR = "headers.separator";
  static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  static final String REQUEST_TIMEOUT_MS = "http.request.timeout.ms";

  static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(HTTP_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new HttpUrl(), Importance.HIGH,
              "Where the batches are POSTed (http:// or https://).")
          .define(BATCH_MAX_SIZE, Type.INT, 100, Range.between(1, 10_000), Importance.MEDIUM,
              "Most records in one POST (a JSON array of the record values).")
          .define(RETRY_MAX, Type.INT, 3, Range.between(0, 100), Importance.MEDIUM,
              "Retries of one POST after a 5xx, 408 or 429 answer or an I/O error; then the task fails.")
          .define(RETRY_BACKOFF_MS, Type.LONG, 500L, Range.between(0, 600_000), Importance.MEDIUM,
              "Wait before the first retry; it doubles with each further retry.")
          .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 30_000L, Range.between(0, 600_000), Importance.LOW,
              "Longest wait between two retries.")
          .define(HEADERS, Type.STRING, "", Importance.MEDIUM,
              "Extra request headers, \"Name: value\" pairs separated by headers.separator, e.g."
                  + " \"Authorization: Bearer abc|X-Source: runnel\".")
          .define(HEADERS_SEPARATOR, Type.STRING, "|", new ConfigDef.NonEmptyString(), Importance.LOW,
              "Separator between the headers' pairs.")
          .define(CONNECT_TIMEOUT_MS, Type.INT, 10_000, Range.between(1, 600_000), Importance.LOW,
              "Timeout for opening a connection.")
          .define(REQUEST_TIMEOUT_MS, Type.INT, 30_000, Range.between(1, 600_000), Importance.LOW,
              "Timeout for one POST's answer; a timeout counts as an I/O error (retried).");

  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  HttpSinkConfig(Map<String, String> props) {
    super(DEFINITION, props);
  }

  /** An http(s) URL with a host; named so the config docs and validate output can say so. */
  static final class HttpUrl implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String text = (String) value;
      URI uri;
      try {
        uri = new URI(text == null ? "" : text);
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException(name, value, "is not a URL");
      }
      boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      if (!http || uri.getHost() == null) {
        throw new ConfigException(name, value, "must be an http:// or https:// URL with a host");
      }
    }

    @Override
    public String toString() {
      return "an http:// or https:// URL";
    }
  }

  static List<Problem> problems(Map<String, String> props) {
    HttpSinkConfig config = new HttpSinkConfig(props);
    List<Problem> problems = new ArrayList<>();
    try {
      config.headers();
    } catch (ConfigException e) {
      problems.add(new Problem(HEADERS, e.getMessage()));
    }
    if (config.getLong(RETRY_BACKOFF_MAX_MS) < config.getLong(RETRY_BACKOFF_MS)) {
      problems.add(new Problem(RETRY_BACKOFF_MAX_MS, "must be at least retry.backoff.ms"));
    }
    return problems;
  }

  URI url() {
    return URI.create(getString(HTTP_URL));
  }

  /** Header name → value, in configured order; a ConfigException for a malformed pair. */
  Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    String text = getString(HEADERS);
    if (text.isBlank()) {
      return headers;
    }
    for (String pair : text.split(Pattern.quote(getString(HEADERS_SEPARATOR)))) {
      if (pair.isBlank()) {
        continue;
      }
      int colon = pair.indexOf(':');
      String name = colon < 0 ? "" : pair.substring(0, colon).trim();
      if (!HEADER_NAME.matcher(name).matches()) {
        // Never echo the pair: header values are often credentials.
        throw new ConfigException("headers: each entry must be \"Name: value\"; entry " + (headers.size() + 1) + " is not");
      }
      headers.put(name, pair.substring(colon + 1).trim());
    }
    return headers;
  }

  int batchMaxSize() {
    return getInt(BATCH_MAX_SIZE);
  }

  RetryPolicy retryPolicy() {
    return new RetryPolicy(getInt(RETRY_MAX), getLong(RETRY_BACKOFF_MS), getLong(RETRY_BACKOFF_MAX_MS));
  }

  int connectTimeoutMs() {
    return getInt(CONNECT_TIMEOUT_MS);
  }

  int requestTimeoutMs() {
    return getInt(REQUEST_TIMEOUT_MS);
  }
}
