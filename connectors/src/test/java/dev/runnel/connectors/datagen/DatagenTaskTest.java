package dev.runnel.connectors.datagen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.connectors.testing.TestSourceTaskContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The datagen connector and task through the Connect API. */
class DatagenTaskTest {
  private final List<DatagenTask> tasks = new ArrayList<>();

  @AfterEach
  void stop() {
    tasks.forEach(DatagenTask::stop);
  }

  static Map<String, String> config(String... pairs) {
    Map<String, String> props = new HashMap<>(Map.of("topic", "authorization_attempts", "seed", "11",
        "start.time.ms", "1700000000000", "rate.per.sec", "100000", "fraud.share", "0.2"));
    for (int i = 0; i < pairs.length; i += 2) {
      props.put(pairs[i], pairs[i + 1]);
    }
    return props;
  }

  DatagenTask start(Map<String, String> props, TestSourceTaskContext context) {
    DatagenConnector connector = new DatagenConnector();
    connector.start(props);
    DatagenTask task = new DatagenTask();
    task.initialize(context);
    task.start(connector.taskConfigs(1).get(0));
    tasks.add(task);
    return task;
  }

  static List<SourceRecord> pollUntil(DatagenTask task, int count) {
    List<SourceRecord> records = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      List<SourceRecord> polled = task.poll();
      if (polled != null) {
        records.addAll(polled);
      }
      return records.size() >= count;
    });
    return records;
  }

  @Test
  void emits_keyed_authorization_attempts_up_to_max_records_and_resumes_from_its_offset() throws Exception {
    Map<String, String> props = config("max.records", "500");
    List<SourceRecord> first = pollUntil(start(props, new TestSourceTaskContext(props)), 500);
    assertEquals(500, first.size());
    assertNull(tasks.get(0).poll(), "max.records reached");

    SourceRecord record = first.get(0);
    assertEquals("authorization_attempts", record.topic());
    Struct value = (Struct) record.value();
    assertEquals(List.of("card_number", "amount", "merchant", "ts"),
        value.schema().fields().stream().map(field -> field.name()).toList());
    assertEquals(value.getString("card_number"), record.key());
    assertEquals(Schema.Type.STRING, record.keySchema().type());
    assertEquals(1_700_000_000_000L, record.timestamp());
    assertEquals(new java.util.Date(1_700_000_000_000L), value.get("ts"));

    // A restart given the offset of record 300 continues with exactly records 300..499.
    Map<String, ?> offset = first.get(299).sourceOffset();
    assertEquals(300L, offset.get("position"));
    TestSourceTaskContext context = new TestSourceTaskContext(props).withOffset(first.get(299).sourcePartition(), offset);
    List<SourceRecord> resumed = pollUntil(start(props, context), 200);
    assertEquals(200, resumed.size());
    for (int i = 0; i < 200; i++) {
      assertEquals(first.get(300 + i).value(), resumed.get(i).value());
    }
  }

  @Test
  void the_same_seed_gives_the_same_records() {
    Map<String, String> props = config();
    List<SourceRecord> a = pollUntil(start(props, new TestSourceTaskContext(props)), 1_000);
    List<SourceRecord> b = pollUntil(start(props, new TestSourceTaskContext(props)), 1_000);
    assertEquals(a.subList(0, 1_000).stream().map(SourceRecord::value).toList(),
        b.subList(0, 1_000).stream().map(SourceRecord::value).toList());
  }

  @Test
  void the_rate_bounds_what_poll_returns() {
    Map<String, String> props = config("rate.per.sec", "20", "max.records", "10");
    long startNs = System.nanoTime();
    List<SourceRecord> records = pollUntil(start(props, new TestSourceTaskContext(props)), 10);
    long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
    assertEquals(10, records.size());
    // Event 9 is due 450 ms after the first: not sooner.
    assertTrue(elapsedMs >= 400, "10 events at 20/s took only " + elapsedMs + " ms");
  }

  @Test
  void tasks_split_the_rate_and_max_records() {
    DatagenConnector connector = new DatagenConnector();
    connector.start(config("rate.per.sec", "10", "max.records", "1001", "seed", "5"));
    List<Map<String, String>> three = connector.taskConfigs(3);
    assertEquals(List.of("4", "3", "3"), three.stream().map(c -> c.get("rate.per.sec")).toList());
    assertEquals(List.of("334", "334", "333"), three.stream().map(c -> c.get("max.records")).toList());
    assertEquals(List.of("0", "1", "2"), three.stream().map(c -> c.get("task.index")).toList());
    assertEquals(2, connector.taskConfigs(5).size() - 3, "up to rate tasks");

    DatagenConnector unseeded = new DatagenConnector();
    unseeded.start(Map.of("topic", "t"));
    assertTrue(unseeded.taskConfigs(1).get(0).get("seed").matches("-?\\d+"), "a seed is fixed once for all tasks");
  }

  @Test
  void bad_settings_name_their_field() {
    for (String[] bad : List.of(new String[] {"quickstart", "users"}, new String[] {"fraud.share", "1.5"},
        new String[] {"rate.per.sec", "0"}, new String[] {"max.records", "-2"})) {
      try {
        new DatagenConnector().start(config(bad));
        throw new AssertionError("accepted " + String.join("=", bad));
      } catch (ConfigException e) {
        assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
      }
    }
  }
}
