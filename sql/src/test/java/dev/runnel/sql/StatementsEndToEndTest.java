package dev.runnel.sql;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.engine.RowListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DDL, INSERT VALUES, SHOW/DESCRIBE, push queries, PRINT, joins, formats and repartitioning on one real node. */
class StatementsEndToEndTest {
  @TempDir static Path dir;
  static LocalNode node;
  static SqlEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
    engine = new SqlEngine(SqlConfig.defaults(node.bootstrap(), dir.resolve("state")));
    engine.execute("SET 'auto.offset.reset'='earliest';");
  }

  @AfterAll
  static void stop() {
    engine.close();
    node.close();
  }

  /** Collects a push query's rows as "v1|v2|..." strings. */
  static final class Collector implements RowListener {
    final List<String> rows = new CopyOnWriteArrayList<>();
    volatile boolean ended;

    @Override
    public void onRow(Row row) {
      rows.add((row.tombstone() ? "DELETE " : "") + row.values().stream().map(String::valueOf).collect(Collectors.joining("|")));
    }

    @Override
    public void onEnd(String error) {
      ended = true;
    }
  }

  private static List<String> pushRows(String sql, int expected) throws InterruptedException {
    Collector c = new Collector();
    try (PushQuery q = engine.stream(sql, c)) {
      assertTrue(q.awaitEnd(Duration.ofSeconds(60)), "LIMIT " + expected + " reached; got " + c.rows);
    }
    assertEquals(expected, c.rows.size());
    return c.rows;
  }

  @Test
  void insert_values_then_push_query_with_where_projection_and_limit() throws Exception {
    engine.execute("""
        CREATE STREAM orders (id VARCHAR KEY, item STRING, qty INT, price DOUBLE, ts BIGINT)
          WITH (kafka_topic='orders', value_format='JSON', partitions=1, timestamp='ts');
        INSERT INTO orders (id, item, qty, price, ts) VALUES ('o1', 'apple', 3, 0.5, 1000);
        INSERT INTO orders (id, item, qty, price, ts) VALUES ('o2', 'pear', 1, 0.75, 2000);
        INSERT INTO orders (id, item, qty, price, ts) VALUES ('o3', 'apple', 10, 0.5, 3000);
        """);
    List<String> rows = pushRows(
        "SELECT id, UCASE(item) AS item, qty * price AS total, ROWTIME FROM orders WHERE item = 'apple' EMIT CHANGES LIMIT 2;", 2);
    assertEquals(List.of("o1|APPLE|1.5|1000", "o3|APPLE|5.0|3000"), rows);

    StatementResult.Listing describe = (StatementResult.Listing) engine.execute("DESCRIBE orders;").get(0);
    assertEquals(List.of("ID", "STRING", "KEY"), describe.rows().get(0));
    StatementResult.Listing streams = (StatementResult.Listing) engine.execute("SHOW STREAMS;").get(0);
    assertTrue(streams.rows().stream().anyMatch(r -> r.get(0).equals("ORDERS") && r.get(1).equals("orders")));
    StatementResult.Listing topics = (StatementResult.Listing) engine.execute("SHOW TOPICS;").get(0);
    assertTrue(topics.rows().stream().anyMatch(r -> r.get(0).equals("orders")));
  }

  @Test
  void persistent_aggregation_over_a_repartitioned_three_partition_stream() throws Exception {
    engine.execute("""
        CREATE STREAM clicks (user_id VARCHAR, page VARCHAR) WITH (kafka_topic='clicks', value_format='DELIMITED', partitions=3);
        CREATE TABLE clicks_per_page WITH (value_format='JSON') AS SELECT page, COUNT(*) AS n, COLLECT_SET(user_id) AS users
          FROM clicks GROUP BY page;
        """);
    for (int i = 0; i < 30; i++) {
      engine.execute("INSERT INTO clicks (user_id, page) VALUES ('u" + (i % 4) + "', 'p" + (i % 3) + "');");
    }
    List<String> rows = pushRows("SELECT page, n FROM clicks_per_page WHERE n = 10 EMIT CHANGES LIMIT 3;", 3);
    assertEquals(List.of("p0|10", "p1|10", "p2|10"), rows.stream().sorted().toList());
    StatementResult.Listing queries = (StatementResult.Listing) engine.execute("SHOW QUERIES;").get(0);
    assertTrue(queries.rows().stream().anyMatch(r -> r.get(0).equals("CTAS_CLICKS_PER_PAGE_0") || r.get(0).startsWith("CTAS_CLICKS_PER_PAGE")));
  }

  @Test
  void stream_table_join_enriches_and_left_join_keeps_unmatched_rows() throws Exception {
    engine.execute("""
        CREATE TABLE users (user_id VARCHAR PRIMARY KEY, name VARCHAR, level INT)
          WITH (kafka_topic='users', value_format='JSON', partitions=2);
        CREATE STREAM logins (user_id VARCHAR KEY, device VARCHAR) WITH (kafka_topic='logins', value_format='JSON', partitions=2);
        INSERT INTO users (user_id, name, level) VALUES ('u1', 'Ada', 3);
        INSERT INTO users (user_id, name, level) VALUES ('u2', 'Linus', 1);
        """);
    // The table is read before stream rows that arrive after the task started.
    Collector c = new Collector();
    try (PushQuery q = engine.stream("SELECT l.user_id, u.name, l.device FROM logins l LEFT JOIN users u"
        + " ON l.user_id = u.user_id EMIT CHANGES LIMIT 3;", c)) {
      engine.execute("""
          INSERT INTO logins (user_id, device) VALUES ('u1', 'phone');
          INSERT INTO logins (user_id, device) VALUES ('u9', 'tv');
          INSERT INTO logins (user_id, device) VALUES ('u2', 'laptop');
          """);
      assertTrue(q.awaitEnd(Duration.ofSeconds(60)), "got " + c.rows);
    }
    assertEquals(List.of("u1|Ada|phone", "u2|Linus|laptop", "u9|null|tv"), c.rows.stream().sorted().toList());
  }

  @Test
  void kafka_format_print_and_drop() throws Exception {
    engine.execute("""
        CREATE STREAM temps (sensor VARCHAR KEY, celsius DOUBLE) WITH (kafka_topic='temps', value_format='KAFKA', partitions=1);
        INSERT INTO temps (sensor, celsius) VALUES ('s1', 21.5);
        CREATE STREAM hot AS SELECT sensor, celsius FROM temps WHERE celsius > 20;
        """);
    List<String> rows = pushRows("SELECT * FROM hot EMIT CHANGES LIMIT 1;", 1);
    assertEquals(List.of("s1|21.5"), rows);
    List<String> printed = pushRows("PRINT 'temps' FROM BEGINNING LIMIT 1;", 1);
    assertTrue(printed.get(0).contains("|s1|"), printed.get(0));

    SqlException inUse = assertThrows(SqlException.class, () -> engine.execute("DROP STREAM temps;"));
    assertTrue(inUse.getMessage().contains("TERMINATE"), inUse.getMessage());
    String id = engine.queries().stream().filter(q -> q.sinkSource().name().equals("HOT")).findFirst().orElseThrow().id();
    engine.execute("TERMINATE " + id + ";");
    engine.execute("DROP STREAM hot DELETE TOPIC; DROP STREAM temps; DROP STREAM IF EXISTS temps;");
    assertEquals(null, engine.source("TEMPS"));
  }

  @Test
  void bad_statements_fail_with_clear_messages() {
    SqlException unknownTopic = assertThrows(SqlException.class, () -> engine.execute(
        "CREATE STREAM s (a INT) WITH (kafka_topic='no_such_topic');"));
    assertTrue(unknownTopic.getMessage().contains("does not exist"), unknownTopic.getMessage());
    SqlException noKey = assertThrows(SqlException.class, () -> engine.execute(
        "CREATE TABLE t (a INT) WITH (kafka_topic='t', partitions=1);"));
    assertTrue(noKey.getMessage().contains("PRIMARY KEY"), noKey.getMessage());
    SqlException badFormat = assertThrows(SqlException.class, () -> engine.execute(
        "CREATE STREAM s (a INT, b INT) WITH (kafka_topic='t2', partitions=1, value_format='KAFKA');"));
    assertTrue(badFormat.getMessage().contains("single column"), badFormat.getMessage());
    SqlException badProperty = assertThrows(SqlException.class, () -> engine.execute("SET 'auto.offset.reset'='middle';"));
    assertTrue(badProperty.getMessage().contains("earliest"), badProperty.getMessage());
    SqlException terminate = assertThrows(SqlException.class, () -> engine.execute("TERMINATE NOPE;"));
    assertTrue(terminate.getMessage().contains("Unknown query id"), terminate.getMessage());
  }
}
