package dev.runnel.connectors.jdbc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.connectors.testing.PostgresServer;
import dev.runnel.connectors.testing.TestSinkTaskContext;
import dev.runnel.connectors.testing.TestSourceTaskContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
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
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC sink (and the source's PostgreSQL specifics) against a real PostgreSQL server started
 * for this class (see PostgresServer: fails on CI when it cannot start, skips elsewhere).
 */
class JdbcPostgresTest {
  static final Schema KEY = SchemaBuilder.struct().name("order_key").field("id", Schema.INT64_SCHEMA).build();
  static final Schema ORDER = SchemaBuilder.struct().name("order")
      .field("id", Schema.INT64_SCHEMA)
      .field("customer", Schema.STRING_SCHEMA)
      .field("amount", Decimal.builder(2).optional().build())
      .field("placed_at", Timestamp.builder().optional().build())
      .field("paid", Schema.OPTIONAL_BOOLEAN_SCHEMA)
      .field("items", Schema.OPTIONAL_INT32_SCHEMA)
      .field("weight", Schema.OPTIONAL_FLOAT64_SCHEMA)
      .field("receipt", Schema.OPTIONAL_BYTES_SCHEMA)
      .build();
  static final long T0 = 1_700_000_000_000L;

  static PostgresServer server;
  @TempDir Path dir;
  private Connection db;
  private final List<JdbcSinkTask> sinkTasks = new ArrayList<>();
  private long nextOffset;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.startForTests();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void connect() throws SQLException {
    db = server.connect();
    sql("DROP SCHEMA IF EXISTS public CASCADE");
    sql("CREATE SCHEMA public");
  }

  @AfterEach
  void close() throws SQLException {
    sinkTasks.forEach(JdbcSinkTask::stop);
    db.close();
  }

  void sql(String statement) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  long count(String table) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet result = s.executeQuery("SELECT count(*) FROM " + table)) {
      result.next();
      return result.getLong(1);
    }
  }

  Map<String, Object> row(String query) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet result = s.executeQuery(query)) {
      assertTrue(result.next(), "no row for " + query);
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
        row.put(result.getMetaData().getColumnName(i), result.getObject(i));
      }
      return row;
    }
  }

  JdbcSinkTask startSink(String... pairs) {
    Map<String, String> props = new HashMap<>();
    props.put("connection.url", server.jdbcUrl());
    for (int i = 0; i < pairs.length; i += 2) {
      props.put(pairs[i], pairs[i + 1]);
    }
    JdbcSinkConnector connector = new JdbcSinkConnector();
    connector.start(props);
    JdbcSinkTask task = new JdbcSinkTask();
    task.initialize(new TestSinkTaskContext(props, false));
    task.start(connector.taskConfigs(1).get(0));
    sinkTasks.add(task);
    return task;
  }

  SinkRecord order(long id, String customer, String amount) {
    Struct value = new Struct(ORDER).put("id", id).put("customer", customer)
        .put("amount", new BigDecimal(amount)).put("placed_at", new java.util.Date(T0 + id))
        .put("paid", true).put("items", (int) id).put("weight", id * 0.5).put("receipt", new byte[] {1, (byte) id});
    return new SinkRecord("orders", 0, KEY, new Struct(KEY).put("id", id), ORDER, value, nextOffset++);
  }

  @Test
  void upsert_into_an_auto_created_table_updates_by_key() throws Exception {
    JdbcSinkTask task = startSink("insert.mode", "upsert", "pk.mode", "record_key", "auto.create", "true");
    task.put(List.of(order(1, "ada", "10.00"), order(2, "bob", "20.00"), order(3, "cy", "30.00")));
    task.put(List.of(order(2, "bob v2", "21.50"), order(4, "dee", "40.00"), order(3, "cy v2", "31.25")));
    task.flush(Map.of());

    assertEquals(4, count("orders"));
    Map<String, Object> bob = row("SELECT * FROM orders WHERE id = 2");
    assertEquals("bob v2", bob.get("customer"));
    assertEquals(new BigDecimal("21.50"), bob.get("amount"));
    assertEquals(java.sql.Timestamp.valueOf(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 2_000_000)), bob.get("placed_at"),
        "timestamps are written in UTC (the JVM here runs in UTC)");
    assertEquals(true, bob.get("paid"));
    assertEquals(2, bob.get("items"));
    assertEquals(1.0, bob.get("weight"));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) bob.get("receipt"));
    assertEquals("cy v2", row("SELECT customer FROM orders WHERE id = 3").get("customer"));
    assertEquals("ada", row("SELECT customer FROM orders WHERE id = 1").get("customer"));

    // The created table has the record's types and its key.
    Map<String, Object> types = new HashMap<>();
    try (Statement s = db.createStatement(); ResultSet result = s.executeQuery(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'orders'")) {
      while (result.next()) {
        types.put(result.getString(1), result.getString(2) + (result.getString(3).equals("NO") ? " not null" : ""));
      }
    }
    assertEquals(Map.of("id", "bigint not null", "customer", "text not null", "amount", "numeric",
        "placed_at", "timestamp without time zone", "paid", "boolean", "items", "integer",
        "weight", "double precision", "receipt", "bytea"), types);
    assertEquals("orders_pkey", row("SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid = 'orders'::regclass").get("conname"));
  }

  @Test
  void insert_of_schemaless_maps_into_an_existing_table_in_a_named_schema() throws Exception {
    sql("CREATE SCHEMA shop");
    sql("CREATE TABLE shop.events (id BIGINT PRIMARY KEY, kind TEXT NOT NULL, score INTEGER, note TEXT)");
    JdbcSinkTask task = startSink("table.name.format", "shop.${topic}");
    Map<String, Object> withNull = new HashMap<>(Map.of("id", 2L, "kind", "view", "score", 7L));
    withNull.put("note", null);
    task.put(List.of(
        new SinkRecord("events", 0, null, null, null, Map.of("id", 1L, "kind", "click"), 0),
        new SinkRecord("events", 0, null, null, null, withNull, 1)));
    assertEquals(2, count("shop.events"));
    assertEquals(7, row("SELECT score FROM shop.events WHERE id = 2").get("score"));

    // A duplicate key in insert mode is the data's fault: not retriable, and nothing of the put stays.
    ConnectException duplicate = assertThrows(ConnectException.class, () -> task.put(List.of(
        new SinkRecord("events", 0, null, null, null, Map.of("id", 3L, "kind", "buy"), 2),
        new SinkRecord("events", 0, null, null, null, Map.of("id", 1L, "kind", "again"), 3))));
    assertFalse(duplicate instanceof RetriableException);
    assertTrue(duplicate.getMessage().contains("23505"), duplicate.getMessage());
    assertEquals(2, count("shop.events"));
  }

  /** The JDBC path without the topic in between: SQLite rows → source → sink → PostgreSQL. */
  @Test
  void rows_from_sqlite_reach_postgresql_through_the_source_and_the_upserting_sink() throws Exception {
    String sqliteUrl = "jdbc:sqlite:" + dir.resolve("shop.db");
    try (Connection sqlite = DriverManager.getConnection(sqliteUrl); Statement s = sqlite.createStatement()) {
      s.executeUpdate("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, credit NUMERIC(8,2),"
          + " updated_at TIMESTAMP NOT NULL)");
      // One statement: 50 autocommitted inserts would be 50 fsyncs.
      StringBuilder insert = new StringBuilder("INSERT INTO customers VALUES ");
      for (int id = 1; id <= 50; id++) {
        insert.append(id == 1 ? "" : ", ").append("(" + id + ", 'customer " + id + "', " + id + ".25, " + (T0 + id) + ")");
      }
      s.executeUpdate(insert.toString());
      Map<String, String> sourceProps = Map.of("connection.url", sqliteUrl, "mode", "timestamp+incrementing",
          "incrementing.column.name", "id", "timestamp.column.name", "updated_at", "table.whitelist", "customers",
          "topic.prefix", "sqlite-", "poll.interval.ms", "10", "batch.max.rows", "20");
      JdbcSourceConnector sourceConnector = new JdbcSourceConnector();
      sourceConnector.start(sourceProps);
      JdbcSourceTask source = new JdbcSourceTask();
      source.initialize(new TestSourceTaskContext(sourceProps));
      source.start(sourceConnector.taskConfigs(1).get(0));
      JdbcSinkTask sink = startSink("insert.mode", "upsert", "pk.mode", "record_value", "pk.fields", "id",
          "auto.create", "true", "table.name.format", "customers_copy");
      try {
        copy(source, sink, 50);
        assertEquals(50, count("customers_copy"));
        // Updates move the timestamp: the source sends the rows again and the sink upserts them.
        s.executeUpdate("UPDATE customers SET credit = 999.99, updated_at = " + (T0 + 1_000) + " WHERE id IN (7, 8)");
        copy(source, sink, 2);
      } finally {
        source.stop();
      }
    }
    assertEquals(50, count("customers_copy"));
    assertEquals(new BigDecimal("999.99"), row("SELECT credit FROM customers_copy WHERE id = 7").get("credit"));
    assertEquals(new BigDecimal("9.25"), row("SELECT credit FROM customers_copy WHERE id = 9").get("credit"));
    assertEquals("customer 50", row("SELECT name FROM customers_copy WHERE id = 50").get("name"));
  }

  @Test
  void the_source_maps_postgresql_types_and_keeps_microsecond_offsets() throws Exception {
    sql("CREATE TABLE readings (id BIGSERIAL PRIMARY KEY, sensor TEXT NOT NULL, level NUMERIC, ratio NUMERIC(6,3),"
        + " small SMALLINT, hot BOOLEAN, attrs JSONB, taken_at TIMESTAMP(6) NOT NULL)");
    // Two rows within one millisecond: an offset kept in milliseconds would read the second
    // row's page again and again.
    sql("INSERT INTO readings (sensor, level, ratio, small, hot, attrs, taken_at) VALUES"
        + " ('a', 12.3456789, 1.500, 7, true, '{\"k\": 1}', '2024-01-01 10:00:00.000100'),"
        + " ('b', 1, NULL, NULL, NULL, NULL, '2024-01-01 10:00:00.000200')");
    Map<String, String> props = Map.of("connection.url", server.jdbcUrl(), "mode", "timestamp",
        "timestamp.column.name", "taken_at", "table.whitelist", "readings", "topic.prefix", "pg-",
        "poll.interval.ms", "10", "batch.max.rows", "1");
    JdbcSourceConnector connector = new JdbcSourceConnector();
    connector.start(props);
    JdbcSourceTask source = new JdbcSourceTask();
    source.initialize(new TestSourceTaskContext(props));
    source.start(connector.taskConfigs(1).get(0));
    List<SourceRecord> read = new ArrayList<>();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        List<SourceRecord> polled = source.poll();
        if (polled != null) {
          read.addAll(polled);
        }
        return read.size() >= 2;
      });
      for (int i = 0; i < 3; i++) {
        List<SourceRecord> more = source.poll();
        assertTrue(more == null || more.isEmpty(), "read again: " + more);
      }
    } finally {
      source.stop();
    }
    assertEquals(2, read.size());
    Struct first = (Struct) read.get(0).value();
    Schema schema = first.schema();
    assertEquals(Schema.Type.INT64, schema.field("id").schema().type());
    assertEquals(Schema.Type.STRING, schema.field("level").schema().type(), "plain NUMERIC keeps its digits");
    assertEquals("12.3456789", first.get("level"));
    assertEquals(new BigDecimal("1.500"), first.get("ratio"));
    assertEquals(Decimal.LOGICAL_NAME, schema.field("ratio").schema().name());
    assertEquals((short) 7, first.get("small"));
    assertEquals(true, first.get("hot"));
    assertEquals("{\"k\": 1}", first.get("attrs"), "json has no Connect type: its text");
    assertEquals(100_000, read.get(0).sourceOffset().get("timestamp_nanos"));
    assertEquals(200_000, read.get(1).sourceOffset().get("timestamp_nanos"));
    assertEquals("b", ((Struct) read.get(1).value()).get("sensor"));
  }

  /** What a runtime does between a source and a sink, minus the topic. */
  private void copy(JdbcSourceTask source, JdbcSinkTask sink, int rows) {
    List<SourceRecord> read = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      List<SourceRecord> polled = source.poll();
      if (polled != null) {
        read.addAll(polled);
      }
      return read.size() >= rows;
    });
    assertEquals(rows, read.size());
    List<SinkRecord> delivered = new ArrayList<>();
    for (SourceRecord record : read) {
      delivered.add(new SinkRecord(record.topic(), 0, record.keySchema(), record.key(), record.valueSchema(),
          record.value(), nextOffset++));
    }
    sink.put(delivered);
    sink.flush(Map.of());
  }
}
