package dev.runnel.connectors.jdbc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.connectors.testing.TestSourceTaskContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC source on a real SQLite file, driven through the Connect API as a runtime would. */
class JdbcSourceTaskTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private String url;
  private Connection db;
  private final List<JdbcSourceTask> tasks = new ArrayList<>();

  @BeforeEach
  void createDatabase() throws SQLException {
    url = "jdbc:sqlite:" + dir.resolve("shop.db");
    db = DriverManager.getConnection(url);
    sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC(10,2),"
        + " updated_at TIMESTAMP)");
  }

  @AfterEach
  void close() throws SQLException {
    tasks.forEach(JdbcSourceTask::stop);
    db.close();
  }

  private void sql(String statement) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  private void insertOrder(long id, String customer, String amount, long updatedAtMs) throws SQLException {
    sql("INSERT INTO orders VALUES (" + id + ", '" + customer + "', " + amount + ", " + updatedAtMs + ")");
  }

  private Map<String, String> config(String mode, String... extra) {
    Map<String, String> props = new HashMap<>();
    props.put("connection.url", url);
    props.put("mode", mode);
    props.put("incrementing.column.name", "id");
    props.put("timestamp.column.name", "updated_at");
    props.put("table.whitelist", "orders");
    props.put("topic.prefix", "sqlite-");
    props.put("poll.interval.ms", "10");
    props.put("batch.max.rows", "2");
    for (int i = 0; i < extra.length; i += 2) {
      props.put(extra[i], extra[i + 1]);
    }
    return props;
  }

  /** Connector start → taskConfigs → task start, as a runtime does. */
  private JdbcSourceTask startTask(Map<String, String> props, TestSourceTaskContext context) {
    JdbcSourceConnector connector = new JdbcSourceConnector();
    connector.start(props);
    List<Map<String, String>> taskConfigs = connector.taskConfigs(1);
    assertEquals(1, taskConfigs.size());
    JdbcSourceTask task = new JdbcSourceTask();
    task.initialize(context);
    task.start(taskConfigs.get(0));
    tasks.add(task);
    return task;
  }

  private JdbcSourceTask startTask(Map<String, String> props) {
    return startTask(props, new TestSourceTaskContext(props));
  }

  private static List<SourceRecord> pollUntil(JdbcSourceTask task, int count) {
    List<SourceRecord> records = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      List<SourceRecord> polled = task.poll();
      if (polled != null) {
        records.addAll(polled);
      }
      return records.size() >= count;
    });
    assertEquals(count, records.size(), "records: " + records);
    return records;
  }

  /** A few polls that find nothing: every table was due at least once more. */
  private static void assertNothingMore(JdbcSourceTask task) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      List<SourceRecord> polled = task.poll();
      assertTrue(polled == null || polled.isEmpty(), "unexpected records " + polled);
    }
  }

  private static long id(SourceRecord record) {
    return ((Struct) record.value()).getInt64("id");
  }

  @Test
  void incrementing_mode_turns_rows_into_structs_with_the_tables_schema_and_sees_new_rows() throws Exception {
    insertOrder(1, "ada", "12.50", T0);
    insertOrder(2, "bob", "3.00", T0 + 1);
    insertOrder(3, "cy", "NULL", T0 + 2);
    JdbcSourceTask task = startTask(config("incrementing"));

    // batch.max.rows=2: a full page, then the rest.
    List<SourceRecord> records = pollUntil(task, 3);
    assertEquals(List.of(1L, 2L, 3L), records.stream().map(JdbcSourceTaskTest::id).toList());

    SourceRecord first = records.get(0);
    assertEquals("sqlite-orders", first.topic());
    assertEquals(Map.of("table", "orders"), first.sourcePartition());
    assertEquals(Map.of("incrementing", 1L), first.sourceOffset());
    assertNull(first.key());
    Schema schema = first.valueSchema();
    assertEquals("orders", schema.name());
    assertEquals(Schema.Type.INT64, schema.field("id").schema().type());
    assertEquals(Schema.Type.STRING, schema.field("customer").schema().type());
    assertEquals(false, schema.field("customer").schema().isOptional(), "customer is NOT NULL");
    assertEquals(Decimal.LOGICAL_NAME, schema.field("amount").schema().name());
    assertEquals("2", schema.field("amount").schema().parameters().get(Decimal.SCALE_FIELD));
    assertEquals(Timestamp.LOGICAL_NAME, schema.field("updated_at").schema().name());
    Struct value = (Struct) first.value();
    assertEquals("ada", value.getString("customer"));
    assertEquals(new BigDecimal("12.50"), value.get("amount"));
    assertEquals(new java.util.Date(T0), value.get("updated_at"));
    assertNull(((Struct) records.get(2).value()).get("amount"));
    assertEquals(Map.of("incrementing", 3L), records.get(2).sourceOffset());

    assertNothingMore(task);
    insertOrder(4, "dee", "7.25", T0 + 3);
    List<SourceRecord> next = pollUntil(task, 1);
    assertEquals(4L, id(next.get(0)));
  }

  /** sqlite-jdbc reports a DECIMAL column holding 300 as INTEGER; the schema must still say Decimal. */
  @Test
  void a_decimal_column_whose_first_value_is_whole_stays_a_decimal() throws Exception {
    insertOrder(1, "ada", "300.00", T0);
    insertOrder(2, "bob", "12.34", T0 + 1);
    JdbcSourceTask task = startTask(config("incrementing"));
    List<SourceRecord> records = pollUntil(task, 2);
    for (SourceRecord record : records) {
      assertEquals(Decimal.LOGICAL_NAME, record.valueSchema().field("amount").schema().name(), record.toString());
    }
    assertEquals(new BigDecimal("300.00"), ((Struct) records.get(0).value()).get("amount"));
    assertEquals(new BigDecimal("12.34"), ((Struct) records.get(1).value()).get("amount"));
  }

  @Test
  void incrementing_mode_resumes_after_the_offset_the_runtime_stored() throws Exception {
    for (int id = 1; id <= 5; id++) {
      insertOrder(id, "c" + id, "1.00", T0);
    }
    Map<String, String> props = config("incrementing");
    // Offsets come back from a JSON store as Integers as often as Longs.
    TestSourceTaskContext context =
        new TestSourceTaskContext(props).withOffset(Map.of("table", "orders"), Map.of("incrementing", 3));
    JdbcSourceTask task = startTask(props, context);

    List<SourceRecord> records = pollUntil(task, 2);
    assertEquals(List.of(4L, 5L), records.stream().map(JdbcSourceTaskTest::id).toList());
    assertNothingMore(task);
  }

  @Test
  void timestamp_mode_sees_updates_and_resumes_from_a_stored_timestamp() throws Exception {
    insertOrder(1, "ada", "1.00", T0);
    insertOrder(2, "bob", "2.00", T0 + 1_000);
    JdbcSourceTask task = startTask(config("timestamp"));
    List<SourceRecord> records = pollUntil(task, 2);
    assertEquals(List.of(1L, 2L), records.stream().map(JdbcSourceTaskTest::id).toList());
    assertEquals(T0 + 1_000, records.get(1).timestamp(), "the record time is the row's timestamp");
    Map<String, ?> offset = records.get(1).sourceOffset();
    assertEquals(T0 + 1_000, offset.get("timestamp_ms"));

    // An update moves the row's timestamp: the row comes again.
    sql("UPDATE orders SET customer = 'ada lovelace', updated_at = " + (T0 + 2_000) + " WHERE id = 1");
    List<SourceRecord> updated = pollUntil(task, 1);
    assertEquals("ada lovelace", ((Struct) updated.get(0).value()).getString("customer"));
    assertNothingMore(task);

    // A new task given the offset of the second record reads only what changed after it.
    Map<String, String> props = config("timestamp");
    JdbcSourceTask resumed =
        startTask(props, new TestSourceTaskContext(props).withOffset(Map.of("table", "orders"), offset));
    List<SourceRecord> after = pollUntil(resumed, 1);
    assertEquals(1L, id(after.get(0)));
    assertNothingMore(resumed);
  }

  @Test
  void timestamp_mode_never_splits_rows_sharing_a_timestamp_across_pages() throws Exception {
    // batch.max.rows=2 but three rows share one timestamp: the page must hold all three, or the
    // next page (timestamp > offset) would skip the third.
    insertOrder(1, "a", "1", T0);
    insertOrder(2, "b", "1", T0 + 5);
    insertOrder(3, "c", "1", T0 + 5);
    insertOrder(4, "d", "1", T0 + 5);
    insertOrder(5, "e", "1", T0 + 9);
    JdbcSourceTask task = startTask(config("timestamp"));
    List<SourceRecord> records = pollUntil(task, 5);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), records.stream().map(JdbcSourceTaskTest::id).sorted().toList());
    assertNothingMore(task);
  }

  @Test
  void timestamp_plus_incrementing_mode_pages_through_equal_timestamps_by_id() throws Exception {
    for (int id = 1; id <= 5; id++) {
      insertOrder(id, "c" + id, "1", T0);
    }
    JdbcSourceTask task = startTask(config("timestamp+incrementing", "batch.max.rows", "1"));
    List<SourceRecord> records = pollUntil(task, 5);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), records.stream().map(JdbcSourceTaskTest::id).toList());
    assertEquals(3L, records.get(2).sourceOffset().get("incrementing"));
    assertEquals(T0, records.get(2).sourceOffset().get("timestamp_ms"));

    // Resuming in the middle of the equal timestamps continues by id.
    Map<String, String> props = config("timestamp+incrementing");
    JdbcSourceTask resumed = startTask(props,
        new TestSourceTaskContext(props).withOffset(Map.of("table", "orders"), records.get(2).sourceOffset()));
    assertEquals(List.of(4L, 5L), pollUntil(resumed, 2).stream().map(JdbcSourceTaskTest::id).toList());
  }

  @Test
  void a_custom_query_goes_to_the_topic_named_by_the_prefix() throws Exception {
    insertOrder(1, "ada", "12.50", T0);
    insertOrder(2, "bob", "3.00", T0);
    insertOrder(3, "cy", "40.00", T0);
    Map<String, String> props = config("incrementing", "table.whitelist", "",
        "query", "SELECT id, customer FROM orders WHERE amount > 10", "topic.prefix", "big-orders");
    JdbcSourceTask task = startTask(props);
    List<SourceRecord> records = pollUntil(task, 2);
    assertEquals(List.of(1L, 3L), records.stream().map(JdbcSourceTaskTest::id).toList());
    assertEquals("big-orders", records.get(0).topic());
    assertEquals(2, records.get(0).valueSchema().fields().size());
    assertEquals(Map.of("query", "SELECT id, customer FROM orders WHERE amount > 10"), records.get(0).sourcePartition());
  }

  @Test
  void stop_wakes_a_poll_that_waits_for_the_next_interval() throws Exception {
    JdbcSourceTask task = startTask(config("incrementing", "poll.interval.ms", "60000"));
    assertNull(task.poll(), "empty table");
    Thread stopper = new Thread(() -> task.stop());
    long startNs = System.nanoTime();
    stopper.start();
    assertNull(task.poll());
    stopper.join();
    assertTrue(System.nanoTime() - startNs < Duration.ofSeconds(10).toNanos(), "poll returned on stop");
  }
}
