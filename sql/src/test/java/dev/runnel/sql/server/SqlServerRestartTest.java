package dev.runnel.sql.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import dev.runnel.sdk.Producer;
import dev.runnel.sql.FraudScript;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.engine.QueryRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fraud demo through a SQL server that is stopped mid-stream and started again with an empty
 * state directory: the query comes back from the command topic, its window state from the
 * changelog, and the final rows are those of an uninterrupted run.
 */
class SqlServerRestartTest {
  @TempDir Path dir;

  @Test
  void restart_mid_stream_gives_the_rows_of_an_uninterrupted_run() throws Exception {
    try (LocalNode node = LocalNode.start(dir.resolve("node"));
        Producer producer = Producer.builder().bootstrap(node.bootstrap()).lingerMs(0).build()) {
      SqlConfig engine = SqlConfig.defaults(node.bootstrap(), dir.resolve("state-1")).withServiceId("fraud");
      SqlServer first = SqlServer.start(SqlServerConfig.defaults(engine, "127.0.0.1", 0));
      String queryId;
      try {
        Http.Response r = Http.post(first.url(), "/ksql", Http.body(FraudScript.SOURCE + FraudScript.SEED,
            Map.of("auto.offset.reset", "earliest")));
        assertEquals(200, r.status(), r.text());
        queryId = r.body().get(1).at("/commandStatus/queryId").asText();
        FraudScript.firstHalf(producer);
        QueryRuntime q1 = first.engine().query(queryId);
        await().atMost(Duration.ofSeconds(60)).until(() -> q1.metrics().recordsIn.get() >= 11);
      } finally {
        first.close();
      }

      SqlServer second = SqlServer.start(SqlServerConfig.defaults(engine.withStateDir(dir.resolve("state-2")), "127.0.0.1", 0));
      try {
        QueryRuntime q2 = second.engine().query(queryId);
        assertTrue(q2 != null, "the query came back from the command topic");
        FraudScript.secondHalf(producer);
        assertEquals(FraudScript.EXPECTED, FraudScript.fraudRows(node.bootstrap(), second.engine().source("POSSIBLE_FRAUD")));
        assertTrue(q2.metrics().restoredRecords.get() > 0, "window state came back from the changelog");
        assertEquals(1, q2.metrics().lateDropped.get());
      } finally {
        second.close();
      }
    }
  }
}
