package dev.runnel.connect;

import static dev.runnel.connect.ConnectTestSupport.props;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.connect.distributed.ConnectDistributed;
import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A sink connector in a cluster of two in-process workers: pause / resume / restart (with
 * includeTasks and onlyFailed) / stop act on whichever worker runs the tasks, and when a worker
 * stops the other delivers every record at least once. (DistributedTest kills a worker JVM.)
 */
@org.junit.jupiter.api.Timeout(180)
class DistributedSinkTest extends WithLocalNode {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOPIC = "dist-sink-in";
  private static final String NAME = "dist-sink";
  private static final int TOPIC_PARTITIONS = 4;

  private int produced;

  static Map<String, String> workerProps(String workerId) {
    return props(
        "bootstrap.servers", node.bootstrap(),
        "group.id", "dist-sink-workers",
        "worker.id", workerId,
        "rest.port", "0",
        "offset.storage.partitions", "6",
        "session.timeout.ms", "3000",
        "offset.flush.interval.ms", "200",
        "key.converter", "org.apache.kafka.connect.storage.StringConverter",
        "value.converter", "org.apache.kafka.connect.storage.StringConverter");
  }

  @Test
  void pauseResumeRestartStopAndAWorkerLeaving() throws Exception {
    ControlledSinkConnector.Probe probe = ControlledSinkConnector.probe(NAME);
    try (Admin admin = Admin.create(node.bootstrap())) {
      // Up front: a topic creation makes the node's group coordinator step back (see DistributedTest).
      admin.createTopic(TOPIC, TOPIC_PARTITIONS, 0, Map.of());
    }
    Map<String, ConnectDistributed> workers = new java.util.TreeMap<>();
    try (Producer producer = Producer.builder().bootstrap(node.bootstrap()).build()) {
      workers.put("worker-a", ConnectDistributed.start(workerProps("worker-a")));
      workers.put("worker-b", ConnectDistributed.start(workerProps("worker-b")));
      RestClient rest = new RestClient(workers.get("worker-a").restPort());
      RestClient.Response created = rest.post("/connectors", RestClient.json(Map.of("name", NAME, "config",
          props("connector.class", ControlledSinkConnector.class.getName(), "topics", TOPIC,
              "tasks.max", "2", "probe", NAME))));
      assertEquals(201, created.status(), created.raw());
      awaitTasks(rest, "RUNNING", 2);

      produce(producer, 20);
      await().atMost(WAIT).until(() -> delivered(probe).size() == produced);

      // Pause: no task reads, wherever it runs; resume: it goes on from where it was.
      assertEquals(202, rest.put("/connectors/" + NAME + "/pause", null).status());
      awaitConnector(rest, "PAUSED");
      awaitTasks(rest, "PAUSED", 2);
      int beforePause = probe.delivered.size();
      produce(producer, 20);
      await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> probe.delivered.size() == beforePause);
      assertEquals(202, rest.put("/connectors/" + NAME + "/resume", null).status());
      awaitTasks(rest, "RUNNING", 2);
      await().atMost(WAIT).until(() -> delivered(probe).size() == produced);

      // Restart of the connector and every task.
      int starts = probe.starts.get();
      RestClient.Response restarted =
          rest.post("/connectors/" + NAME + "/restart?includeTasks=true&onlyFailed=false", null);
      assertEquals(202, restarted.status(), restarted.raw());
      await().atMost(WAIT).until(() -> probe.starts.get() >= starts + 2);
      awaitTasks(rest, "RUNNING", 2);

      // onlyFailed: only the failed task starts again.
      probe.failNextPut.set(true);
      await().atMost(WAIT).until(() -> taskStates(rest).contains("FAILED"));
      int startsBeforeRetry = probe.starts.get();
      RestClient.Response retried =
          rest.post("/connectors/" + NAME + "/restart?includeTasks=true&onlyFailed=true", null);
      assertEquals(202, retried.status(), retried.raw());
      awaitTasks(rest, "RUNNING", 2);
      assertEquals(startsBeforeRetry + 1, probe.starts.get(), "only the failed task restarted");
      produce(producer, 8);
      await().atMost(WAIT).until(() -> delivered(probe).size() == produced);

      // Stop: no tasks, the config stays; resume starts it again. The status lists no tasks as
      // soon as the connector is stopped, while the task threads may still be finishing: wait
      // for both tasks' stop() before checking that nothing more is delivered.
      int stopsBefore = probe.stops.get();
      assertEquals(204, rest.put("/connectors/" + NAME + "/stop", null).status());
      awaitConnector(rest, "STOPPED");
      await().atMost(WAIT).until(() -> taskStates(rest).isEmpty());
      await().atMost(WAIT).until(() -> probe.stops.get() >= stopsBefore + 2);
      assertEquals(TOPIC, rest.get("/connectors/" + NAME + "/config").body().at("/topics").asText());
      int beforeStop = probe.delivered.size();
      produce(producer, 8);
      await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> probe.delivered.size() == beforeStop);
      assertEquals(202, rest.put("/connectors/" + NAME + "/resume", null).status());
      awaitTasks(rest, "RUNNING", 2);
      await().atMost(WAIT).until(() -> delivered(probe).size() == produced);

      // The worker running task 0 leaves while records keep coming: the other one takes its
      // partitions and every record is delivered at least once.
      String leaving = rest.get("/connectors/" + NAME + "/status").body().at("/tasks/0/worker_id").asText();
      String staying = leaving.equals("worker-a") ? "worker-b" : "worker-a";
      RestClient survivor = new RestClient(workers.get(staying).restPort());
      produce(producer, 20);
      workers.remove(leaving).close();
      produce(producer, 20);
      await().atMost(WAIT).until(() -> delivered(probe).size() == produced);
      await().atMost(WAIT).until(() -> workersOfTasks(survivor).equals(Set.of(staying)));
      awaitTasks(survivor, "RUNNING", 2);
      produce(producer, 8);
      await().atMost(WAIT).until(() -> delivered(probe).size() == produced);
      assertTrue(probe.delivered.size() >= produced);
    } finally {
      workers.values().forEach(ConnectDistributed::close);
    }
  }

  private void produce(Producer producer, int count) {
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(producer.send(new ProducerRecord(TOPIC, (produced + i) % TOPIC_PARTITIONS, null,
          ("r" + (produced + i)).getBytes(StandardCharsets.UTF_8), List.of(), 0)));
    }
    producer.flush();
    sends.forEach(CompletableFuture::join);
    produced += count;
  }

  /** Distinct records delivered (partition@offset): duplicates are allowed, gaps are not. */
  private static Set<String> delivered(ControlledSinkConnector.Probe probe) {
    return new HashSet<>(probe.delivered);
  }

  private static void awaitConnector(RestClient rest, String state) {
    await().atMost(WAIT).until(() ->
        state.equals(rest.get("/connectors/" + NAME + "/status").body().at("/connector/state").asText()));
  }

  private static void awaitTasks(RestClient rest, String state, int count) {
    await().atMost(WAIT).until(() -> {
      List<String> states = taskStates(rest);
      return states.size() == count && states.stream().allMatch(state::equals);
    });
  }

  private static List<String> taskStates(RestClient rest) {
    List<String> out = new ArrayList<>();
    for (JsonNode task : rest.get("/connectors/" + NAME + "/status").body().at("/tasks")) {
      out.add(task.at("/state").asText());
    }
    return out;
  }

  private static Set<String> workersOfTasks(RestClient rest) {
    Set<String> out = new HashSet<>();
    for (JsonNode task : rest.get("/connectors/" + NAME + "/status").body().at("/tasks")) {
      if ("RUNNING".equals(task.at("/state").asText())) {
        out.add(task.at("/worker_id").asText());
      }
    }
    return out;
  }
}
