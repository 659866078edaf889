package dev.runnel.sql.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.loadtest.LocalNode;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.engine.QueryRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void a_refused_statement_is_not_recorded() throws Exception {
    SqlServer a = server("a");
    Http.Response r = Http.ksql(a.url(), "CREATE STREAM s2 AS SELECT * FROM missing;");
    assertEquals(400, r.status(), r.text());
    assertEquals(0, a.appliedCommands());
  }
}
