package dev.runnel.connect;

import static dev.runnel.connect.ConnectTestSupport.append;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.WithLocalNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /metrics of a worker: connector and task states, records in/out and errors per task. */
class WorkerMetricsTest extends WithLocalNode {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void statesAndRecordCountsOfTheWorkersConnectorsAndTasks() {
    Path in = dir.resolve("in.txt");
    Path out = dir.resolve("out.txt");
    append(in, "{\"a\":1}", "not json", "{\"a\":2}");
    Map<String, String> source = ConnectTestSupport.props(
        "name", "m-src",
        "connector.class", "FileStreamSource",
        "file", in.toString(),
        "topic", "m-lines",
        "value.converter", "org.apache.kafka.connect.storage.StringConverter");
    Map<String, String> sink = ConnectTestSupport.props(
        "name", "m-sink",
        "connector.class", "FileStreamSink",
        "topics", "m-lines",
        "file", out.toString(),
        "value.converter", "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable", "false",
        "errors.tolerance", "all");
    try (ConnectStandalone worker = ConnectStandalone.start(
        ConnectTestSupport.workerProps(node, dir.resolve("w")), List.of(source, sink))) {
      await().atMost(WAIT).until(() -> ConnectTestSupport.lines(out).size() == 2);
      await().atMost(WAIT).until(() -> metrics(worker).contains(
          "runnel_connect_task_records_out_total{connector=\"m-sink\",task=\"0\"} 2\n"));
      String text = metrics(worker);
      assertTrue(text.contains("# TYPE runnel_connect_connector_state gauge\n"), text);
      assertTrue(text.contains("runnel_connect_connector_state{connector=\"m-src\",state=\"RUNNING\"} 1\n"), text);
      assertTrue(text.contains("runnel_connect_connector_state{connector=\"m-sink\",state=\"PAUSED\"} 0\n"), text);
      assertTrue(text.contains("runnel_connect_task_state{connector=\"m-sink\",task=\"0\",state=\"RUNNING\"} 1\n"), text);
      assertTrue(text.contains("runnel_connect_task_records_in_total{connector=\"m-src\",task=\"0\"} 3\n"), text);
      assertTrue(text.contains("runnel_connect_task_records_out_total{connector=\"m-src\",task=\"0\"} 3\n"), text);
      assertTrue(text.contains("runnel_connect_task_records_in_total{connector=\"m-sink\",task=\"0\"} 3\n"), text);
      assertTrue(text.contains("runnel_connect_task_errors_total{connector=\"m-sink\",task=\"0\"} 1\n"), text);
      assertTrue(text.contains("runnel_connect_task_errors_total{connector=\"m-src\",task=\"0\"} 0\n"), text);

      RestClient rest = new RestClient(worker.restPort());
      assertEquals(202, rest.put("/connectors/m-sink/pause", null).status());
      await().atMost(WAIT).until(() -> metrics(worker).contains(
          "runnel_connect_task_state{connector=\"m-sink\",task=\"0\",state=\"PAUSED\"} 1\n"));
      assertTrue(metrics(worker).contains("runnel_connect_connector_state{connector=\"m-sink\",state=\"PAUSED\"} 1\n"));
    }
  }

  private static String metrics(ConnectStandalone worker) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.restPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      return response.body();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
