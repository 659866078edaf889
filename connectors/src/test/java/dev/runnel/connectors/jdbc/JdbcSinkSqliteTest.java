package dev.runnel.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.connectors.testing.TestSinkTaskContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC sink writing into a real SQLite file, driven through the Connect API. */
class JdbcSinkSqliteTest {
  static final Schema ORDER = SchemaBuilder.struct().name("order")
      .field("id", Schema.INT64_SCHEMA)
      .field("customer", Schema.OPTIONAL_STRING_SCHEMA)
      .field("amount", Decimal.builder(2).optional().build())
      .field("placed_at", Timestamp.builder().optional().build())
      .field("paid", Schema.OPTIONAL_BOOLEAN_SCHEMA)
      .build();
  static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private String url;
  private Connection db;
  private final List<JdbcSinkTask> tasks = new ArrayList<>();
  private long nextOffset;

  @BeforeEach
  void open() throws SQLException {
    url = "jdbc:sqlite:" + dir.resolve("sink.db");
    db = DriverManager.getConnection(url);
  }

  @AfterEach
  void close() throws SQLException {
    tasks.forEach(JdbcSinkTask::stop);
    db.close();
  }

  static Struct order(long id, String customer, String amount) {
    return new Struct(ORDER).put("id", id).put("customer", customer)
        .put("amount", amount == null ? null : new BigDecimal(amount))
        .put("placed_at", new java.util.Date(T0 + id)).put("paid", id % 2 == 0);
  }

  SinkRecord record(String topic, Schema keySchema, Object key, Schema valueSchema, Object value) {
    return new SinkRecord(topic, 0, keySchema, key, valueSchema, value, nextOffset++);
  }

  SinkRecord orderRecord(long id, String customer, String amount) {
    return record("orders", Schema.INT64_SCHEMA, id, ORDER, order(id, customer, amount));
  }

  JdbcSinkTask startTask(TestSinkTaskContext context, Map<String, String> props) {
    JdbcSinkConnector connector = new JdbcSinkConnector();
    connector.start(props);
    JdbcSinkTask task = new JdbcSinkTask();
    task.initialize(context);
    task.start(connector.taskConfigs(1).get(0));
    tasks.add(task);
    return task;
  }

  JdbcSinkTask startTask(String... pairs) {
    Map<String, String> props = config(pairs);
    return startTask(new TestSinkTaskContext(props, false), props);
  }

  Map<String, String> config(String... pairs) {
    Map<String, String> props = new HashMap<>();
    props.put("connection.url", url);
    for (int i = 0; i < pairs.length; i += 2) {
      props.put(pairs[i], pairs[i + 1]);
    }
    return props;
  }

  /** Rows as "col=value" maps, ordered by the first column. */
  List<Map<String, Object>> rows(String table) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY 1")) {
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
          row.put(result.getMetaData().getColumnName(i), result.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  void sql(String statement) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  @Test
  void insert_creates_the_missing_table_from_the_record_schema() throws Exception {
    JdbcSinkTask task = startTask("auto.create", "true");
    task.put(List.of(orderRecord(1, "ada", "12.50"), orderRecord(2, "bob", null)));
    task.flush(Map.of());

    List<Map<String, Object>> rows = rows("orders");
    assertEquals(2, rows.size());
    assertEquals(1, rows.get(0).get("id"));
    assertEquals("ada", rows.get(0).get("customer"));
    assertEquals(12.5, rows.get(0).get("amount"));
    assertEquals(T0 + 1, rows.get(0).get("placed_at"), "sqlite-jdbc stores timestamps as epoch ms");
    assertEquals(0, rows.get(0).get("paid"));
    assertEquals(null, rows.get(1).get("amount"));
    assertEquals(1, rows.get(1).get("paid"));
  }

  @Test
  void upsert_by_record_key_updates_existing_rows_in_record_order() throws Exception {
    JdbcSinkTask task = startTask("auto.create", "true", "insert.mode", "upsert", "pk.mode", "record_key",
        "pk.fields", "id");
    task.put(List.of(orderRecord(1, "ada", "1.00"), orderRecord(2, "bob", "2.00")));
    // One put that updates 1, inserts 3, and updates 2 twice: the later record wins.
    task.put(List.of(orderRecord(1, "ada v2", "1.50"), orderRecord(3, "cy", "3.00"),
        orderRecord(2, "bob v2", "2.50"), orderRecord(2, "bob v3", "2.75")));

    List<Map<String, Object>> rows = rows("orders");
    assertEquals(3, rows.size());
    assertEquals(List.of("ada v2", "bob v3", "cy"), rows.stream().map(row -> row.get("customer")).toList());
    assertEquals(2.75, rows.get(1).get("amount"));
  }

  @Test
  void schemaless_maps_upsert_by_value_fields_into_an_existing_table() throws Exception {
    sql("CREATE TABLE scores (player TEXT, game TEXT, points INTEGER, PRIMARY KEY (player, game))");
    JdbcSinkTask task = startTask("insert.mode", "upsert", "pk.mode", "record_value", "pk.fields", "player,game",
        "table.name.format", "${topic}");
    task.put(List.of(
        record("scores", null, null, null, Map.of("player", "ada", "game", "chess", "points", 3L)),
        record("scores", null, null, null, Map.of("player", "ada", "game", "go", "points", 5L)),
        record("scores", null, null, null, Map.of("player", "ada", "game", "chess", "points", 4L))));
    List<Map<String, Object>> rows = rows("scores");
    assertEquals(2, rows.size());
    assertEquals(4, rows.get(0).get("points"));
    assertEquals(5, rows.get(1).get("points"));
  }

  @Test
  void a_missing_table_or_column_fails_with_its_name_unless_auto_create_or_evolve() throws Exception {
    JdbcSinkTask strict = startTask();
    ConnectException noTable = assertThrows(ConnectException.class, () -> strict.put(List.of(orderRecord(1, "a", "1"))));
    assertTrue(noTable.getMessage().contains("orders") && noTable.getMessage().contains("auto.create"),
        noTable.getMessage());

    sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT)");
    ConnectException noColumn = assertThrows(ConnectException.class, () -> strict.put(List.of(orderRecord(1, "a", "1"))));
    assertTrue(noColumn.getMessage().contains("amount") && noColumn.getMessage().contains("auto.evolve"),
        noColumn.getMessage());

    JdbcSinkTask evolving = startTask("auto.evolve", "true");
    evolving.put(List.of(orderRecord(1, "a", "1.25")));
    assertEquals(1.25, rows("orders").get(0).get("amount"));
  }

  @Test
  void a_put_that_fails_commits_none_of_its_rows() throws Exception {
    sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC(10,2),"
        + " placed_at TIMESTAMP, paid BOOLEAN)");
    JdbcSinkTask task = startTask();
    ConnectException failed = assertThrows(ConnectException.class,
        () -> task.put(List.of(orderRecord(1, "ada", "1"), orderRecord(2, null, "2"))));
    assertFalse(failed instanceof RetriableException, "a constraint violation is not worth retrying");
    assertTrue(failed.getMessage().contains("NOT NULL"), failed.getMessage());
    assertEquals(0, rows("orders").size(), "the first row was rolled back with the second");

    task.put(List.of(orderRecord(1, "ada", "1")));
    assertEquals(1, rows("orders").size(), "the task writes again after the failure");
  }

  @Test
  void records_that_cannot_be_rows_go_to_the_errant_record_reporter() throws Exception {
    Schema nested = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
        .field("address", SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).build()).build();
    Struct bad = new Struct(nested).put("id", 9L)
        .put("address", new Struct(nested.field("address").schema()).put("city", "Oslo"));
    Map<String, String> props = config("auto.create", "true");
    TestSinkTaskContext context = new TestSinkTaskContext(props, true);
    JdbcSinkTask task = startTask(context, props);
    SinkRecord badRecord = record("orders", null, null, nested, bad);
    task.put(List.of(orderRecord(1, "ada", "1"), badRecord, orderRecord(2, "bob", "2"),
        record("orders", null, null, null, null)));

    assertEquals(2, rows("orders").size(), "good records written; the tombstone is skipped");
    assertEquals(1, context.reported().size());
    assertEquals(badRecord, context.reported().get(0).record());
    assertTrue(context.reported().get(0).error().getMessage().contains("address"));

    // Without a reporter (tolerance none) the same record fails the put, naming where it is.
    JdbcSinkTask strict = startTask();
    DataException thrown = assertThrows(DataException.class, () -> strict.put(List.of(badRecord)));
    assertTrue(thrown.getMessage().contains("orders-0@" + badRecord.kafkaOffset()), thrown.getMessage());
  }

  @Test
  void a_locked_database_is_a_retriable_failure() throws Exception {
    sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount NUMERIC(10,2), placed_at TIMESTAMP,"
        + " paid BOOLEAN)");
    JdbcSinkTask task = startTask("connection.url", url + "?busy_timeout=50");
    db.setAutoCommit(false);
    sql("INSERT INTO orders (id) VALUES (100)"); // holds the write lock until commit
    try {
      Exception locked = assertThrows(ConnectException.class, () -> task.put(List.of(orderRecord(1, "a", "1"))));
      assertInstanceOf(RetriableException.class, locked, locked.getMessage());
    } finally {
      db.commit();
      db.setAutoCommit(true);
    }
    task.put(List.of(orderRecord(1, "a", "1")));
    assertEquals(2, rows("orders").size());
  }
}
