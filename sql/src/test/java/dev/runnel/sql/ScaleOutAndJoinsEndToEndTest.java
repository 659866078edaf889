package dev.runnel.sql;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import dev.runnel.sql.engine.QueryRuntime;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.engine.RowListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two engines with one service id split a query's tasks and take over from each other; stream-stream and table-table joins. */
class ScaleOutAndJoinsEndToEndTest {
  @TempDir static Path dir;
  static LocalNode node;

  @BeforeAll
  static void start() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static SqlEngine engine(String name) {
    SqlEngine e = new SqlEngine(SqlConfig.defaults(node.bootstrap(), dir.resolve(name)).withServiceId("scale"));
    e.execute("SET 'auto.offset.reset'='earliest';");
    return e;
  }

  @Test
  void two_engines_split_the_partitions_and_one_takes_over_when_the_other_stops() throws Exception {
    String ddl = """
        CREATE STREAM payments (account VARCHAR KEY, amount BIGINT)
          WITH (kafka_topic='payments', value_format='JSON', partitions=2);
        CREATE TABLE balances AS SELECT account, SUM(amount) AS balance FROM payments GROUP BY account;
        """;
    SqlEngine a = engine("a");
    SqlEngine b = engine("b");
    try {
      a.execute(ddl);
      b.execute(ddl);
      QueryRuntime qa = a.queries().get(0);
      QueryRuntime qb = b.queries().get(0);
      assertEquals(qa.consumerGroup(), qb.consumerGroup());
      await().atMost(Duration.ofSeconds(60)).until(() -> qa.taskPartitions().size() == 1 && qb.taskPartitions().size() == 1);
      for (int i = 0; i < 20; i++) {
        a.execute("INSERT INTO payments (account, amount) VALUES ('acc" + (i % 4) + "', 1);");
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> qa.metrics().rowsOut.get() + qb.metrics().rowsOut.get() >= 20);

      b.close();
      await().atMost(Duration.ofSeconds(60)).until(() -> qa.taskPartitions().equals(Set.of(0, 1)));
      for (int i = 0; i < 20; i++) {
        a.execute("INSERT INTO payments (account, amount) VALUES ('acc" + (i % 4) + "', 1);");
      }
      Map<String, Object> latest = new ConcurrentHashMap<>();
      RowListener listener = row -> latest.put((String) row.get("ACCOUNT"), row.get("BALANCE"));
      try (PushQuery q = a.stream("SELECT account, balance FROM balances EMIT CHANGES;", listener)) {
        // The moved task restored its partition's balances from the changelog: they end at 10, not 5.
        await().atMost(Duration.ofSeconds(60)).until(() -> latest.size() == 4 && latest.values().stream().allMatch(v -> v.equals(10L)));
      }
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void stream_stream_join_within_a_window_and_table_table_join() throws Exception {
    SqlEngine e = engine("joins");
    try {
      e.execute("""
          CREATE STREAM impressions (ad VARCHAR KEY, site VARCHAR) WITH (kafka_topic='impressions', value_format='JSON', partitions=1);
          CREATE STREAM clicks2 (ad VARCHAR KEY, button VARCHAR) WITH (kafka_topic='clicks2', value_format='JSON', partitions=1);
          CREATE TABLE people (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='people', value_format='JSON', partitions=1);
          CREATE TABLE emails (id VARCHAR PRIMARY KEY, email VARCHAR) WITH (kafka_topic='emails', value_format='JSON', partitions=1);
          INSERT INTO impressions (ad, site, ROWTIME) VALUES ('ad1', 'news', 100000);
          INSERT INTO impressions (ad, site, ROWTIME) VALUES ('ad2', 'blog', 100000);
          INSERT INTO clicks2 (ad, button, ROWTIME) VALUES ('ad1', 'buy', 130000);
          INSERT INTO clicks2 (ad, button, ROWTIME) VALUES ('ad2', 'buy', 900000);
          INSERT INTO people (id, name) VALUES ('p1', 'Ada');
          INSERT INTO people (id, name) VALUES ('p2', 'Grace');
          INSERT INTO emails (id, email) VALUES ('p1', 'ada@example.com');
          """);
      List<String> joined = new CopyOnWriteArrayList<>();
      RowListener listener = row -> joined.add(String.valueOf(row.values()));
      try (PushQuery q = e.stream("SELECT i.ad, i.site, c.button FROM impressions i JOIN clicks2 c WITHIN 1 MINUTE"
          + " ON i.ad = c.ad EMIT CHANGES LIMIT 1;", listener)) {
        assertTrue(q.awaitEnd(Duration.ofSeconds(60)));
      }
      assertEquals(List.of("[ad1, news, buy]"), joined, "ad2's click came 13 minutes later: outside WITHIN");

      List<String> tt = new CopyOnWriteArrayList<>();
      try (PushQuery q = e.stream("SELECT p.id, p.name, m.email FROM people p LEFT JOIN emails m ON p.id = m.id"
          + " EMIT CHANGES LIMIT 2;", row -> tt.add(String.valueOf(row.values())))) {
        assertTrue(q.awaitEnd(Duration.ofSeconds(60)), "got " + tt);
      }
      assertTrue(tt.contains("[p2, Grace, null]"), tt.toString());
      assertTrue(tt.contains("[p1, Ada, ada@example.com]"), tt.toString());
    } finally {
      e.close();
    }
  }
}
