package dev.runnel.connect;

import static dev.runnel.connect.ConnectTestSupport.append;
import static dev.runnel.connect.ConnectTestSupport.lines;
import static dev.runnel.connect.ConnectTestSupport.props;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.loadtest.WithLocalNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST contract, endpoint by endpoint, against a standalone worker on a real node. */
class RestApiTest extends WithLocalNode {
  static ConnectStandalone worker;
  static RestClient rest;

  @BeforeAll
  static void startWorker() throws Exception {
    worker = ConnectStandalone.start(ConnectTestSupport.workerProps(node, dir), List.of());
    rest = new RestClient(worker.restPort());
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  static String sourceConfig(String name, Path file, String topic) {
    return RestClient.json(Map.of("name", name, "config",
        props("connector.class", "FileStreamSource", "file", file.toString(), "topic", topic, "tasks.max", "1")));
  }

  static void assertError(RestClient.Response response, int status, String... mentions) {
    assertEquals(status, response.status(), response.raw());
    assertEquals(status, response.body().get("error_code").asInt(), response.raw());
    for (String mention : mentions) {
      assertTrue(response.body().get("message").asText().contains(mention), response.raw());
    }
  }

  static JsonNode awaitStatus(String name, String connectorState, String taskState) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      RestClient.Response status = rest.get("/connectors/" + name + "/status");
      last[0] = status.body();
      if (status.status() != 200 || !connectorState.equals(status.body().at("/connector/state").asText())) {
        return false;
      }
      JsonNode tasks = status.body().get("tasks");
      if (taskState == null) {
        return tasks.isEmpty();
      }
      if (tasks.isEmpty()) {
        return false;
      }
      for (JsonNode task : tasks) {
        if (!taskState.equals(task.get("state").asText())) {
          return false;
        }
      }
      return true;
    });
    return last[0];
  }

  @Test
  void root_and_plugins() {
    RestClient.Response root = rest.get("/");
    assertEquals(200, root.status());
    assertFalse(root.body().get("version").asText().isEmpty());
    RestClient.Response plugins = rest.get("/connector-plugins");
    assertEquals(200, plugins.status());
    List<String> classes = new ArrayList<>();
    plugins.body().forEach(p -> classes.add(p.get("class").asText() + "/" + p.get("type").asText()));
    assertTrue(classes.contains("dev.runnel.connect.file.FileStreamSourceConnector/source"), classes.toString());
    assertTrue(classes.contains("dev.runnel.connect.file.FileStreamSinkConnector/sink"), classes.toString());
  }

  @Test
  void lifecycle_ofASourceConnector() {
    Path file = dir.resolve("life.txt");
    append(file, "a", "b", "c");
    RestClient.Response created = rest.post("/connectors", sourceConfig("life", file, "life"));
    assertEquals(201, created.status(), created.raw());
    assertEquals("life", created.body().get("name").asText());
    assertEquals("source", created.body().get("type").asText());
    assertEquals("FileStreamSource", created.body().at("/config/connector.class").asText());
    assertEquals(0, created.body().at("/tasks/0/task").asInt());

    assertError(rest.post("/connectors", sourceConfig("life", file, "life")), 409, "life", "already exists");
    assertTrue(rest.get("/connectors").raw().contains("\"life\""));
    assertEquals("life", rest.get("/connectors/life").body().get("name").asText());
    assertEquals(file.toString(), rest.get("/connectors/life/config").body().get("file").asText());
    JsonNode expanded = rest.get("/connectors?expand=status&expand=info").body();
    assertEquals("life", expanded.at("/life/info/name").asText());

    awaitStatus("life", "RUNNING", "RUNNING");
    RestClient.Response tasks = rest.get("/connectors/life/tasks");
    assertEquals(200, tasks.status());
    assertEquals("life", tasks.body().at("/0/id/connector").asText());
    assertEquals("dev.runnel.connect.file.FileStreamSourceTask", tasks.body().at("/0/config/task.class").asText());
    assertEquals("RUNNING", rest.get("/connectors/life/tasks/0/status").body().get("state").asText());

    // Offsets: the position after "a\nb\nc\n" once committed.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        rest.get("/connectors/life/offsets").body().at("/offsets/0/offset/position").asLong() == 6);
    assertEquals(file.toString(), rest.get("/connectors/life/offsets").body().at("/offsets/0/partition/filename").asText());

    assertEquals(202, rest.put("/connectors/life/pause", null).status());
    awaitStatus("life", "PAUSED", "PAUSED");
    assertEquals(202, rest.put("/connectors/life/resume", null).status());
    awaitStatus("life", "RUNNING", "RUNNING");

    assertEquals(204, rest.post("/connectors/life/restart", null).status());
    awaitStatus("life", "RUNNING", "RUNNING");
    RestClient.Response restarted = rest.post("/connectors/life/restart?includeTasks=true", null);
    assertEquals(202, restarted.status(), restarted.raw());
    awaitStatus("life", "RUNNING", "RUNNING");
    assertEquals(204, rest.post("/connectors/life/tasks/0/restart", null).status());
    awaitStatus("life", "RUNNING", "RUNNING");

    assertEquals(204, rest.put("/connectors/life/stop", null).status());
    awaitStatus("life", "STOPPED", null);
    assertEquals(0, rest.get("/connectors/life/tasks").body().size());
    assertEquals(202, rest.put("/connectors/life/resume", null).status());
    awaitStatus("life", "RUNNING", "RUNNING");

    // PUT config: update (200), then create a new one (201).
    RestClient.Response updated = rest.put("/connectors/life/config", RestClient.json(
        props("connector.class", "FileStreamSource", "file", file.toString(), "topic", "life2")));
    assertEquals(200, updated.status(), updated.raw());
    assertEquals("life2", rest.get("/connectors/life/config").body().get("topic").asText());
    RestClient.Response putCreated = rest.put("/connectors/life-b/config", RestClient.json(
        props("connector.class", "FileStreamSource", "file", file.toString(), "topic", "life3")));
    assertEquals(201, putCreated.status(), putCreated.raw());

    assertEquals(204, rest.delete("/connectors/life").status());
    assertEquals(204, rest.delete("/connectors/life-b").status());
    assertError(rest.get("/connectors/life"), 404, "life", "not found");
    assertFalse(rest.get("/connectors").raw().contains("\"life\""));
  }

  @Test
  void sinkOffsets_areTheCommittedGroupOffsets() {
    Path in = dir.resolve("sink-in.txt");
    Path out = dir.resolve("sink-out.txt");
    append(in, "x", "y");
    assertEquals(201, rest.post("/connectors", RestClient.json(Map.of("name", "so-src", "config",
        props("connector.class", "FileStreamSource", "file", in.toString(), "topic", "sinkoffsets",
            "value.converter", "org.apache.kafka.connect.storage.StringConverter")))).status());
    RestClient.Response created = rest.post("/connectors", RestClient.json(Map.of("name", "so-sink", "config",
        props("connector.class", "FileStreamSink", "topics", "sinkoffsets", "file", out.toString(),
            "value.converter", "org.apache.kafka.connect.storage.StringConverter"))));
    assertEquals(201, created.status(), created.raw());
    assertEquals("sink", created.body().get("type").asText());
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() == 2);
    assertEquals(List.of("x", "y"), lines(out));
    await().atMost(Duration.ofSeconds(30)).until(() ->
        rest.get("/connectors/so-sink/offsets").body().at("/offsets/0/offset/kafka_offset").asLong() == 2);
    JsonNode offsets = rest.get("/connectors/so-sink/offsets").body();
    assertEquals("sinkoffsets", offsets.at("/offsets/0/partition/kafka_topic").asText());
    assertEquals(0, offsets.at("/offsets/0/partition/kafka_partition").asInt());
    rest.delete("/connectors/so-src");
    rest.delete("/connectors/so-sink");
  }

  @Test
  void unknownConnector_is404_onEveryEndpoint() {
    String n = "/connectors/nope";
    assertError(rest.get(n), 404, "nope");
    assertError(rest.get(n + "/config"), 404, "nope");
    assertError(rest.get(n + "/status"), 404, "nope");
    assertError(rest.get(n + "/tasks"), 404, "nope");
    assertError(rest.get(n + "/offsets"), 404, "nope");
    assertError(rest.post(n + "/restart", null), 404, "nope");
    assertError(rest.post(n + "/tasks/0/restart", null), 404, "nope");
    assertError(rest.put(n + "/pause", null), 404, "nope");
    assertError(rest.put(n + "/resume", null), 404, "nope");
    assertError(rest.put(n + "/stop", null), 404, "nope");
    assertError(rest.delete(n), 404, "nope");
    assertError(rest.get("/no/such/path"), 404);
  }

  @Test
  void invalidJson_is400() {
    assertError(rest.post("/connectors", "{not json"), 400, "not valid JSON");
    assertError(rest.post("/connectors", ""), 400);
    assertError(rest.put("/connectors/x/config", "[1,2"), 400, "not valid JSON");
    assertError(rest.put("/connector-plugins/FileStreamSource/config/validate", "{{"), 400, "not valid JSON");
    assertError(rest.post("/connectors", "{\"config\":{}}"), 400, "name");
    assertError(rest.post("/connectors", "{\"name\":\"x\",\"config\":\"nope\"}"), 400, "config");
  }

  @Test
  void badConfigs_areRejectedWithErrorsNamingTheField() {
    Path file = dir.resolve("bad.txt");
    RestClient.Response badTasks = rest.post("/connectors", RestClient.json(Map.of("name", "bad", "config",
        props("connector.class", "FileStreamSource", "file", file.toString(), "topic", "t", "tasks.max", "-1"))));
    assertError(badTasks, 400, "tasks.max");
    RestClient.Response missingField = rest.post("/connectors", RestClient.json(Map.of("name", "bad", "config",
        props("connector.class", "FileStreamSource", "topic", "t"))));
    assertError(missingField, 400, "file");
    RestClient.Response unknownClass = rest.post("/connectors", RestClient.json(Map.of("name", "bad", "config",
        props("connector.class", "com.example.Nope"))));
    assertError(unknownClass, 400, "connector.class");
    RestClient.Response badTransform = rest.post("/connectors", RestClient.json(Map.of("name", "bad", "config",
        props("connector.class", "FileStreamSource", "file", file.toString(), "topic", "t",
            "transforms", "m", "transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value"))));
    assertError(badTransform, 400, "transforms.m.fields");
    RestClient.Response sinkWithoutTopics = rest.post("/connectors", RestClient.json(Map.of("name", "bad", "config",
        props("connector.class", "FileStreamSink", "file", file.toString()))));
    assertError(sinkWithoutTopics, 400, "topics");
    assertError(rest.get("/connectors/bad"), 404);
  }

  @Test
  void validate_listsEveryFieldWithItsErrors() {
    RestClient.Response bad = rest.put("/connector-plugins/FileStreamSourceConnector/config/validate",
        RestClient.json(props("tasks.max", "0", "transforms", "r", "transforms.r.type", "NoSuchTransform")));
    assertEquals(200, bad.status(), bad.raw());
    assertEquals("dev.runnel.connect.file.FileStreamSourceConnector", bad.body().get("name").asText());
    List<String> erroneous = new ArrayList<>();
    bad.body().get("configs").forEach(c -> {
      if (!c.at("/value/errors").isEmpty()) {
        erroneous.add(c.at("/value/name").asText());
      }
    });
    assertTrue(erroneous.containsAll(List.of("name", "tasks.max", "file", "topic", "transforms.r.type")), erroneous.toString());
    assertEquals(erroneous.size(), bad.body().get("error_count").asInt());

    RestClient.Response good = rest.put("/connector-plugins/dev.runnel.connect.file.FileStreamSourceConnector/config/validate",
        RestClient.json(props("name", "ok", "file", "/tmp/x", "topic", "t",
            "transforms", "mask", "transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value",
            "transforms.mask.fields", "card")));
    assertEquals(0, good.body().get("error_count").asInt(), good.raw());
    JsonNode first = good.body().get("configs").get(0);
    assertEquals("name", first.at("/definition/name").asText());
    assertNull(rest.get("/connectors/ok").body().get("name"));
  }
}
