package dev.runnel.connect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.connectors.testing.PostgresServer;
import dev.runnel.loadtest.WithLocalNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SQLite table → JDBC source → Runnel topic → JDBC sink → PostgreSQL table, through the real
 * runtime (standalone worker, JSON converter with schemas) and a real node, with the built-in
 * connectors found on the worker's class path. PostgreSQL is the connectors' test server: the
 * class fails on CI when it cannot start and is skipped elsewhere.
 */
class JdbcEndToEndTest extends WithLocalNode {
  private static final Duration ARRIVAL = Duration.ofSeconds(30);

  static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.startForTests();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** One row as the test compares it: id, customer, amount (scale 2), quantity, note. */
  record Order(long id, String customer, BigDecimal amount, long quantity, String note) {
    static Order of(long id, String customer, String amount, long quantity, String note) {
      return new Order(id, customer, new BigDecimal(amount), quantity, note);
    }
  }

  @Test
  void incrementingMode_copiesTheRowsAndThenTheNewOnes_intoATableTheSinkCreates() throws Exception {
    Path sqlite = dir.resolve("shop.db");
    try (Connection source = DriverManager.getConnection("jdbc:sqlite:" + sqlite)) {
      exec(source, "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
          + " amount DECIMAL(10,2) NOT NULL, quantity INTEGER NOT NULL, note TEXT)");
      List<Order> expected = new ArrayList<>();
      for (int i = 1; i <= 25; i++) {
        expected.add(Order.of(i, "customer-" + i, i + ".25", i % 7, i % 5 == 0 ? null : "note " + i));
      }
      insert(source, "orders", expected);

      Map<String, String> sourceConfig = ConnectTestSupport.props(
          "name", "shop-source",
          "connector.class", "dev.runnel.connectors.jdbc.JdbcSourceConnector",
          "connection.url", "jdbc:sqlite:" + sqlite,
          "mode", "incrementing",
          "incrementing.column.name", "id",
          "table.whitelist", "orders",
          "topic.prefix", "sqlite-",
          "batch.max.rows", "10",
          "poll.interval.ms", "100");
      Map<String, String> sinkConfig = ConnectTestSupport.props(
          "name", "shop-sink",
          "connector.class", "JdbcSink",
          "topics", "sqlite-orders",
          "connection.url", postgres.jdbcUrl(),
          "insert.mode", "upsert",
          "pk.mode", "record_value",
          "pk.fields", "id",
          "auto.create", "true",
          "table.name.format", "orders_copy");
      try (ConnectStandalone worker = ConnectStandalone.start(
              ConnectTestSupport.workerProps(node, dir.resolve("w-incrementing")), List.of(sourceConfig, sinkConfig));
          Connection target = postgres.connect()) {
        await().atMost(ARRIVAL).until(() -> count(target, "orders_copy") >= expected.size());
        assertEquals(expected, orders(target, "orders_copy"));
        assertEquals(Map.of("id", "bigint", "customer", "text", "amount", "numeric", "quantity", "bigint", "note", "text"),
            columnTypes(target, "orders_copy"), "columns created from the source table's schema");

        List<Order> more = List.of(Order.of(26, "late", "0.01", 1, "after start"), Order.of(27, "later", "99999.99", 3, null));
        insert(source, "orders", more);
        expected.addAll(more);
        await().atMost(ARRIVAL).until(() -> count(target, "orders_copy") >= expected.size());
        assertEquals(expected, orders(target, "orders_copy"));
      }
    }
  }

  @Test
  void timestampIncrementingMode_carriesUpdates_andTheSinkUpsertsThem() throws Exception {
    Path sqlite = dir.resolve("accounts.db");
    try (Connection source = DriverManager.getConnection("jdbc:sqlite:" + sqlite)) {
      exec(source, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL,"
          + " balance DECIMAL(12,2) NOT NULL, updated_at TIMESTAMP NOT NULL)");
      long t0 = System.currentTimeMillis() - 60_000;
      try (PreparedStatement insert = source.prepareStatement(
          "INSERT INTO accounts (id, owner, balance, updated_at) VALUES (?, ?, ?, ?)")) {
        for (int i = 1; i <= 10; i++) {
          insert.setLong(1, i);
          insert.setString(2, "owner-" + i);
          insert.setBigDecimal(3, new BigDecimal(i * 100 + ".00"));
          insert.setLong(4, t0 + i); // sqlite-jdbc's default: timestamps as epoch milliseconds
          insert.executeUpdate();
        }
      }
      Map<String, String> sourceConfig = ConnectTestSupport.props(
          "name", "accounts-source",
          "connector.class", "JdbcSource",
          "connection.url", "jdbc:sqlite:" + sqlite,
          "mode", "timestamp+incrementing",
          "incrementing.column.name", "id",
          "timestamp.column.name", "updated_at",
          "table.whitelist", "accounts",
          "topic.prefix", "sqlite-",
          "poll.interval.ms", "100");
      Map<String, String> sinkConfig = ConnectTestSupport.props(
          "name", "accounts-sink",
          "connector.class", "dev.runnel.connectors.jdbc.JdbcSinkConnector",
          "topics", "sqlite-accounts",
          "connection.url", postgres.jdbcUrl(),
          "insert.mode", "upsert",
          "pk.mode", "record_value",
          "pk.fields", "id",
          "auto.create", "true");
      try (ConnectStandalone worker = ConnectStandalone.start(
              ConnectTestSupport.workerProps(node, dir.resolve("w-upsert")), List.of(sourceConfig, sinkConfig));
          Connection target = postgres.connect()) {
        await().atMost(ARRIVAL).until(() -> count(target, "\"sqlite-accounts\"") >= 10);
        assertEquals(new BigDecimal("300.00"), balance(target, 3), "the declared scale carries through");

        // Two updates and one new row, each with a newer timestamp, as an application would write them.
        long t1 = System.currentTimeMillis();
        exec(source, "UPDATE accounts SET balance = 333.33, updated_at = " + t1 + " WHERE id = 3");
        exec(source, "UPDATE accounts SET balance = 0.00, owner = 'closed', updated_at = " + (t1 + 1) + " WHERE id = 7");
        exec(source, "INSERT INTO accounts VALUES (11, 'owner-11', 1100.50, " + (t1 + 2) + ")");
        await().atMost(ARRIVAL).until(() -> count(target, "\"sqlite-accounts\"") >= 11
            && new BigDecimal("0.00").compareTo(balance(target, 7)) == 0);
        // Upserts: still one row per id, with the latest values.
        assertEquals(11, count(target, "\"sqlite-accounts\""));
        assertEquals(0, new BigDecimal("333.33").compareTo(balance(target, 3)));
        assertEquals("closed", string(target, "SELECT owner FROM \"sqlite-accounts\" WHERE id = 7"));
        assertEquals(0, new BigDecimal("1100.50").compareTo(balance(target, 11)));
        assertEquals(0, new BigDecimal("500.00").compareTo(balance(target, 5)), "untouched rows keep their values");
      }
    }
  }

  private static void exec(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

  private static void insert(Connection connection, String table, List<Order> orders) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + table + " (id, customer, amount, quantity, note) VALUES (?, ?, ?, ?, ?)")) {
      for (Order order : orders) {
        insert.setLong(1, order.id());
        insert.setString(2, order.customer());
        insert.setBigDecimal(3, order.amount());
        insert.setLong(4, order.quantity());
        insert.setString(5, order.note());
        insert.executeUpdate();
      }
    }
  }

  /** Rows so far; 0 while the sink has not created the table yet. */
  private static long count(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet exists = statement.executeQuery("SELECT to_regclass('public." + table.replace("'", "''") + "')")) {
      exists.next();
      if (exists.getString(1) == null) {
        return 0;
      }
    }
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static List<Order> orders(Connection connection, String table) throws SQLException {
    List<Order> out = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id, customer, amount, quantity, note FROM " + table + " ORDER BY id")) {
      while (rows.next()) {
        out.add(new Order(rows.getLong(1), rows.getString(2), rows.getBigDecimal(3), rows.getLong(4), rows.getString(5)));
      }
    }
    return out;
  }

  private static Map<String, String> columnTypes(Connection connection, String table) throws SQLException {
    Map<String, String> out = new java.util.HashMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?")) {
      query.setString(1, table);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          out.put(rows.getString(1), rows.getString(2));
        }
      }
    }
    return out;
  }

  private static BigDecimal balance(Connection connection, long id) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT balance FROM \"sqlite-accounts\" WHERE id = " + id)) {
      return result.next() ? result.getBigDecimal(1) : null;
    }
  }

  private static String string(Connection connection, String query) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
      result.next();
      return result.getString(1);
    }
  }
}
