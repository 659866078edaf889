package dev.runnel.sql.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.loadtest.LocalNode;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.engine.QueryRuntime;
import dev.runnel.sql.parser.SqlParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two SQL servers of one service id share a command topic: a statement sent to one runs on both,
 * under the same query id; TERMINATE reaches both; a restarted server gets its queries back.
 */
class CommandTopicTest {
  @TempDir Path dir;
  private LocalNode node;
  private final List<SqlServer> servers = new ArrayList<>();

  @BeforeEach
  void startNode() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
  }

  @AfterEach
  void stop() {
    servers.forEach(SqlServer::close);
    node.close();
  }

  private SqlServer server(String stateDir) {
    SqlConfig engine = SqlConfig.defaults(node.bootstrap(), dir.resolve(stateDir)).withServiceId("shared");
    SqlServer s = SqlServer.start(SqlServerConfig.defaults(engine, "127.0.0.1", 0));
    servers.add(s);
    return s;
  }

  private static List<String> queryIds(SqlServer s) throws Exception {
    Http.Response r = Http.ksql(s.url(), "SHOW QUERIES;");
    assertEquals(200, r.status(), r.text());
    return r.body().get(0).get("queries").findValuesAsText("id");
  }

  @Test
  void a_query_created_on_one_server_runs_on_the_other_and_comes_back_after_a_restart() throws Exception {
    SqlServer a = server("a");
    SqlServer b = server("b");
    Http.Response created = Http.ksql(a.url(), """
        CREATE STREAM clicks (user_id VARCHAR, page VARCHAR)
          WITH (kafka_topic='clicks', value_format='JSON', partitions=2);
        CREATE TABLE clicks_per_user AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id;
        """);
    assertEquals(200, created.status(), created.text());
    JsonNode status = created.body().get(1).get("commandStatus");
    String queryId = status.get("queryId").asText();
    // Named after its command's offset, so every server that applies the log names it alike.
    assertEquals("CTAS_CLICKS_PER_USER_" + created.body().get(1).get("commandSequenceNumber").asLong(), queryId);

    await().atMost(Duration.ofSeconds(60)).until(() -> queryIds(b).equals(List.of(queryId)));
    assertEquals(List.of(queryId), queryIds(a));
    // One consumer group for both: the two servers split the work (its stage-2 tasks are on one
    // server or the other, never on both).
    QueryRuntime onA = a.engine().query(queryId);
    QueryRuntime onB = b.engine().query(queryId);
    assertEquals(onA.consumerGroup(), onB.consumerGroup());
    await().atMost(Duration.ofSeconds(60)).until(() -> onA.taskPartitions().size() + onB.taskPartitions().size() == 2);

    // A restarted server (even with an empty state directory) replays the log: same query.
    a.close();
    servers.remove(a);
    SqlServer a2 = server("a2");
    assertEquals(List.of(queryId), queryIds(a2));
    Http.Response describe = Http.ksql(a2.url(), "DESCRIBE clicks_per_user;");
    assertEquals(200, describe.status(), describe.text());

    // TERMINATE sent to B stops the query on the restarted A too; DROP is recorded as well.
    Http.Response terminated = Http.ksql(b.url(), "TERMINATE " + queryId + "; DROP TABLE clicks_per_user;");
    assertEquals(200, terminated.status(), terminated.text());
    assertEquals(List.of(), queryIds(b));
    await().atMost(Duration.ofSeconds(60)).until(() -> queryIds(a2).isEmpty()
        && Http.ksql(a2.url(), "DESCRIBE clicks_per_user;").status() == 400);
    assertTrue(a2.appliedCommands() >= 4, "create, create as select, terminate, drop");
  }

  /**
   * What a server does while it replays its command topic: queries start only after the last
   * replayed command, so one that a later command terminates never runs (and never writes) again.
   */
  @Test
  void while_replaying_a_terminated_query_is_never_started_and_the_others_start_at_the_end() {
    SqlConfig config = SqlConfig.defaults(node.bootstrap(), dir.resolve("replay")).withServiceId("replay");
    try (SqlEngine engine = new SqlEngine(config)) {
      engine.deferQueryStarts();
      engine.executeCommand(SqlParser.parseOne(
          "CREATE STREAM views (user_id VARCHAR, page VARCHAR) WITH (kafka_topic='views', value_format='JSON', partitions=1);"),
          Map.of(), 0);
      engine.executeCommand(SqlParser.parseOne("CREATE TABLE views_per_user AS SELECT user_id, COUNT(*) AS n FROM views GROUP BY user_id;"),
          Map.of(), 1);
      QueryRuntime terminated = engine.query("CTAS_VIEWS_PER_USER_1");
      engine.executeCommand(SqlParser.parseOne("TERMINATE CTAS_VIEWS_PER_USER_1;"), Map.of(), 2);
      engine.executeCommand(SqlParser.parseOne("CREATE STREAM home_views AS SELECT * FROM views WHERE page = 'home';"),
          Map.of(), 3);
      QueryRuntime kept = engine.query("CSAS_HOME_VIEWS_3");
      assertFalse(kept.started(), "not started while replaying");
      engine.startDeferredQueries();
      assertFalse(terminated.started(), "terminated before the end of the replay: never started");
      assertEquals(QueryRuntime.State.TERMINATED, terminated.state());
      assertEquals(null, engine.query("CTAS_VIEWS_PER_USER_1"));
      await().atMost(Duration.ofSeconds(60)).until(() -> kept.state() == QueryRuntime.State.RUNNING);
      // After the replay, a new query starts at once again.
      engine.executeCommand(SqlParser.parseOne("CREATE STREAM cart_views AS SELECT * FROM views WHERE page = 'cart';"),
          Map.of(), 4);
      QueryRuntime live = engine.query("CSAS_CART_VIEWS_4");
      await().atMost(Duration.ofSeconds(60)).until(() -> live.state() == QueryRuntime.State.RUNNING);
    }
  }

  @Test
  void a_refused_statement_is_not_recorded() throws Exception {
    SqlServer a = server("a");
    Http.Response r = Http.ksql(a.url(), "CREATE STREAM s2 AS SELECT * FROM missing;");
    assertEquals(400, r.status(), r.text());
    assertEquals(0, a.appliedCommands());
  }
}
