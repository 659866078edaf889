package dev.runnel.connectors.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.runnel.connectors.testing.TestSinkTaskContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP sink against a real JDK HttpServer on 127.0.0.1, driven through the Connect API. */
class HttpSinkTaskTest {
  static final Schema EVENT = SchemaBuilder.struct().name("event")
      .field("id", Schema.INT64_SCHEMA)
      .field("name", Schema.OPTIONAL_STRING_SCHEMA)
      .field("price", Decimal.builder(2).optional().build())
      .field("at", Timestamp.builder().optional().build())
      .build();

  /** One request the server received. */
  record Received(String method, String contentType, Map<String, List<String>> headers, String text, JsonNode body) {}

  private final ObjectMapper json = new ObjectMapper();
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  /** Status codes to answer, in order; 200 once they run out. */
  private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
  private final List<HttpSinkTask> tasks = new ArrayList<>();
  private HttpServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ingest", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
          Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8), json.readTree(body)));
      Integer status = script.poll();
      byte[] answer = (status == null || status < 300 ? "ok" : "trouble " + status).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status == null ? 200 : status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    tasks.forEach(HttpSinkTask::stop);
    server.stop(0);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/ingest";
  }

  HttpSinkTask startTask(String... pairs) {
    Map<String, String> props = new HashMap<>();
    props.put("http.url", url());
    props.put("retry.backoff.ms", "10");
    for (int i = 0; i < pairs.length; i += 2) {
      props.put(pairs[i], pairs[i + 1]);
    }
    HttpSinkConnector connector = new HttpSinkConnector();
    connector.start(props);
    HttpSinkTask task = new HttpSinkTask();
    task.initialize(new TestSinkTaskContext(props, false));
    task.start(connector.taskConfigs(1).get(0));
    tasks.add(task);
    return task;
  }

  static SinkRecord event(long id) {
    Struct value = new Struct(EVENT).put("id", id).put("name", "e" + id)
        .put("price", new java.math.BigDecimal("1.50")).put("at", new java.util.Date(1_700_000_000_000L));
    return new SinkRecord("events", 0, null, null, EVENT, value, id);
  }

  @Test
  void records_are_posted_as_json_arrays_of_at_most_batch_max_size() throws Exception {
    HttpSinkTask task = startTask("batch.max.size", "2", "headers", "Authorization: Bearer s3cret|X-Source: runnel");
    task.put(List.of(event(1), event(2), event(3)));
    assertEquals(1, received.size(), "the full batch went out in put(), the third record waits");
    task.put(List.of(event(4), event(5)));
    assertEquals(2, received.size());
    task.flush(Map.of());
    assertEquals(3, received.size(), "flush sends the rest");

    Received first = received.get(0);
    assertEquals("POST", first.method());
    assertEquals("application/json", first.contentType());
    assertEquals(List.of("Bearer s3cret"), first.headers().get("Authorization"));
    assertEquals(List.of("runnel"), first.headers().get("X-source"));
    assertEquals(json.readTree("[{\"id\":1,\"name\":\"e1\",\"price\":1.50,\"at\":\"2023-11-14T22:13:20Z\"},"
        + "{\"id\":2,\"name\":\"e2\",\"price\":1.50,\"at\":\"2023-11-14T22:13:20Z\"}]"), first.body());
    assertTrue(first.text().contains("\"price\":1.50"), "decimals keep their scale: " + first.text());
    assertEquals(List.of(2, 2, 1), received.stream().map(request -> request.body().size()).toList());
    assertEquals(5, received.get(2).body().get(0).get("id").asInt());

    task.flush(Map.of());
    assertEquals(3, received.size(), "nothing buffered, nothing sent");
  }

  @Test
  void schemaless_values_and_tombstones_are_posted_as_plain_json() throws Exception {
    HttpSinkTask task = startTask();
    task.put(List.of(new SinkRecord("t", 0, null, null, null, Map.of("user", "ab123", "tags", List.of("a", "b")), 0),
        new SinkRecord("t", 0, null, null, null, null, 1)));
    task.flush(Map.of());
    assertEquals(json.readTree("[{\"user\":\"ab123\",\"tags\":[\"a\",\"b\"]},null]"), received.get(0).body());
  }

  @Test
  void a_server_that_fails_twice_then_succeeds_gets_the_batch_once_accepted() throws Exception {
    script.add(503);
    script.add(500);
    HttpSinkTask task = startTask("retry.max", "3");
    task.put(List.of(event(1), event(2)));
    task.flush(Map.of());
    assertEquals(3, received.size(), "two failures, then the accepted attempt");
    for (Received request : received) {
      assertEquals(2, request.body().size(), "every attempt carries the same whole batch");
    }
  }

  @Test
  void the_task_fails_when_retries_run_out_or_the_server_refuses_the_request() throws Exception {
    script.add(502);
    script.add(502);
    script.add(502);
    HttpSinkTask task = startTask("retry.max", "2");
    task.put(List.of(event(1)));
    ConnectException exhausted = assertThrows(ConnectException.class, () -> task.flush(Map.of()));
    assertTrue(exhausted.getMessage().contains("failed 3 times") && exhausted.getMessage().contains("502"),
        exhausted.getMessage());
    assertEquals(3, received.size());

    received.clear();
    script.add(400);
    HttpSinkTask refused = startTask("retry.max", "5");
    refused.put(List.of(event(1)));
    ConnectException badRequest = assertThrows(ConnectException.class, () -> refused.flush(Map.of()));
    assertTrue(badRequest.getMessage().contains("HTTP 400") && badRequest.getMessage().contains("trouble 400"),
        badRequest.getMessage());
    assertEquals(1, received.size(), "a 4xx is not retried");
  }

  @Test
  void connection_failures_are_retried_then_reported() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HttpSinkTask task = startTask("http.url", "http://127.0.0.1:" + closedPort + "/x", "retry.max", "2");
    task.put(List.of(event(1)));
    ConnectException failed = assertThrows(ConnectException.class, () -> task.flush(Map.of()));
    assertTrue(failed.getMessage().contains("failed 3 times") && failed.getMessage().contains("ConnectException"),
        failed.getMessage());
  }
}
