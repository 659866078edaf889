package dev.runnel.connect;

import static dev.runnel.connect.ConnectTestSupport.append;
import static dev.runnel.connect.ConnectTestSupport.props;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.connect.distributed.ConnectDistributed;
import dev.runnel.connect.distributed.TaskPlacement;
import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Two distributed workers, one of them a separate JVM that is killed with SIGKILL: its tasks move
 * to the survivor, which resumes them from the offsets the dead worker had committed.
 */
// Two JVMs and a node on a 2-core machine shared with other builds: allow more than the default.
@org.junit.jupiter.api.Timeout(240)
class DistributedTest extends WithLocalNode {
  private static final int PARTITIONS = 6;
  private static final int LINES_BEFORE = 100;
  private static final int LINES_AFTER = 50;

  static Map<String, String> workerProps(String workerId) {
    return props(
        "bootstrap.servers", node.bootstrap(),
        "group.id", "dist-workers",
        "worker.id", workerId,
        "rest.port", "0",
        "offset.storage.partitions", Integer.toString(PARTITIONS),
        "session.timeout.ms", "3000",
        "offset.flush.interval.ms", "200",
        "key.converter", "org.apache.kafka.connect.storage.StringConverter",
        "value.converter", "org.apache.kafka.connect.storage.StringConverter");
  }

  /** Connector names whose task 0 lands on each partition once: the two workers must share them. */
  static List<String> connectorsCoveringEveryPartition() {
    Map<Integer, String> byPartition = new TreeMap<>();
    for (int i = 0; byPartition.size() < PARTITIONS; i++) {
      byPartition.putIfAbsent(TaskPlacement.partition("src" + i, 0, PARTITIONS), "src" + i);
    }
    return List.copyOf(byPartition.values());
  }

  static Process startChildWorker(Map<String, String> props) throws IOException {
    Properties file = new Properties();
    file.putAll(props);
    Path propsFile = dir.resolve("worker-b.properties");
    try (var out = Files.newBufferedWriter(propsFile)) {
      file.store(out, null);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "dev.runnel.connect.distributed.ConnectDistributed", propsFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(Path.of("target", "DistributedTest-worker-b.log").toFile())
        .start();
  }

  @Test
  void twoWorkersShareTasks_andAfterAKillTheSurvivorResumesFromTheCommittedOffsets() throws Exception {
    List<String> names = connectorsCoveringEveryPartition();
    Process workerB = null;
    try (Admin admin = Admin.create(node.bootstrap())) {
      // Topics up front: creating a topic is a controller write, and the node's group coordinator
      // briefly steps back during controller writes (closing every group's streams), which
      // would reshuffle the workers' partitions in the middle of the test.
      for (String name : names) {
        admin.createTopic(name, 1, 0, Map.of());
      }
    }
    try (ConnectDistributed workerA = ConnectDistributed.start(workerProps("worker-a"));
        Admin admin = Admin.create(node.bootstrap())) {
      workerB = startChildWorker(workerProps("worker-b"));
      await().atMost(Duration.ofSeconds(60)).until(() -> members(admin) == 2);
      RestClient rest = new RestClient(workerA.restPort());
      for (String name : names) {
        Path file = dir.resolve(name + ".txt");
        for (int i = 0; i < LINES_BEFORE; i++) {
          append(file, name + "-" + i);
        }
        RestClient.Response created = rest.post("/connectors", RestClient.json(Map.of("name", name, "config",
            props("connector.class", "FileStreamSource", "file", file.toString(), "topic", name))));
        assertEquals(201, created.status(), created.raw());
      }
      Set<String> workersRunningTasks = new HashSet<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        workersRunningTasks.clear();
        for (String name : names) {
          JsonNode task = rest.get("/connectors/" + name + "/status").body().at("/tasks/0");
          if (!"RUNNING".equals(task.at("/state").asText())) {
            return false;
          }
          workersRunningTasks.add(task.at("/worker_id").asText());
        }
        return workersRunningTasks.size() == 2;
      });
      assertEquals(Set.of("worker-a", "worker-b"), workersRunningTasks, "both workers run tasks");
      for (String name : names) {
        long size = Files.size(dir.resolve(name + ".txt"));
        await().atMost(Duration.ofSeconds(30)).until(() ->
            rest.get("/connectors/" + name + "/offsets").body().at("/offsets/0/offset/position").asLong() == size);
      }

      Map<String, Long> endsBeforeKill = new TreeMap<>();
      for (String name : names) {
        endsBeforeKill.put(name, admin.listOffsets(name, dev.runnel.proto.v1.OffsetSpec.OFFSET_SPEC_LATEST).get(0));
      }
      workerB.destroyForcibly().waitFor();
      for (String name : names) {
        for (int i = LINES_BEFORE; i < LINES_BEFORE + LINES_AFTER; i++) {
          append(dir.resolve(name + ".txt"), name + "-" + i);
        }
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (String name : names) {
          JsonNode task = rest.get("/connectors/" + name + "/status").body().at("/tasks/0");
          if (!"RUNNING".equals(task.at("/state").asText()) || !"worker-a".equals(task.at("/worker_id").asText())) {
            return false;
          }
        }
        return true;
      });
      for (String name : names) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < LINES_BEFORE + LINES_AFTER; i++) {
          expected.add(name + "-" + i);
        }
        int before = endsBeforeKill.get(name).intValue();
        List<String> all = readTopic(name, before + LINES_AFTER);
        // At-least-once: every line is there.
        assertTrue(all.containsAll(expected), name + " lost records: " + all);
        // The offsets resumed: after the kill each task went on from its committed position, so
        // the records written since are exactly the new lines, once each.
        assertEquals(expected.subList(LINES_BEFORE, expected.size()), all.subList(before, all.size()), name);
      }
    } finally {
      if (workerB != null) {
          workerB.destroyForcibly().waitFor();
      }
    }
  }

  static int members(Admin admin) {
    try {
      return admin.describeGroup("dist-workers").getMembersCount();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  static List<String> readTopic(String topic, int expected) {
    List<String> out = new ArrayList<>();
    try (Consumer consumer = Consumer.builder().bootstrap(node.bootstrap())
        .autoOffsetReset(Consumer.OffsetReset.EARLIEST).build()) {
      consumer.subscribe(topic);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord record : consumer.poll(Duration.ofMillis(500))) {
          out.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        if (out.size() >= expected) {
          // Read on briefly: a duplicate would show up right behind.
          for (ConsumerRecord record : consumer.poll(Duration.ofMillis(500))) {
            out.add(new String(record.value(), StandardCharsets.UTF_8));
          }
          break;
        }
      }
    }
    assertTrue(out.size() >= expected, topic + ": only " + out.size() + " records");
    return out;
  }
}
