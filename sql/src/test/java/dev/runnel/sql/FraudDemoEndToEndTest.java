package dev.runnel.sql;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.engine.QueryRuntime;
import dev.runnel.sql.format.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's statement, exactly as written, against a real node: scripted attempts with explicit
 * timestamps produce exactly the expected possible_fraud rows; a restart mid-stream restores the
 * window state from the changelog and ends with the same rows.
 */
class FraudDemoEndToEndTest {
  static final String SOURCE = FraudScript.SOURCE;
  static final String SEED = FraudScript.SEED;

  @TempDir Path dir;
  private LocalNode node;
  private Producer producer;
  private final List<SqlEngine> engines = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
    producer = Producer.builder().bootstrap(node.bootstrap()).lingerMs(0).build();
  }

  @AfterEach
  void stop() {
    engines.forEach(SqlEngine::close);
    producer.close();
    node.close();
  }

  private SqlEngine engine(String stateDir) {
    SqlEngine e = new SqlEngine(SqlConfig.defaults(node.bootstrap(), dir.resolve(stateDir)));
    engines.add(e);
    e.execute(SOURCE + "SET 'auto.offset.reset'='earliest';");
    e.execute(SEED);
    return e;
  }

  private void firstHalf() {
    FraudScript.firstHalf(producer);
  }

  private void secondHalf() {
    FraudScript.secondHalf(producer);
  }

  private List<String> fraudRows(SqlEngine engine) {
    return FraudScript.fraudRows(node.bootstrap(), engine.source("POSSIBLE_FRAUD"));
  }

  static final List<String> EXPECTED = FraudScript.EXPECTED;

  @Test
  void seed_statement_flags_exactly_the_expected_cards() {
    SqlEngine engine = engine("state");
    assertEquals("CSAS_POSSIBLE_FRAUD_0", engine.queries().get(0).id());
    firstHalf();
    secondHalf();
    assertEquals(EXPECTED, fraudRows(engine));
    QueryRuntime q = engine.queries().get(0);
    assertEquals(1, q.metrics().lateDropped.get(), "E's attempt beyond the grace period is dropped and counted");
    assertEquals(List.of("CARD_NUMBER", "KSQL_COL_0"),
        engine.source("POSSIBLE_FRAUD").columns().stream().map(c -> c.name()).toList());
  }

  @Test
  void restart_mid_stream_restores_state_from_the_changelog() {
    SqlEngine first = engine("state-1");
    firstHalf();
    QueryRuntime q1 = first.queries().get(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> q1.metrics().recordsIn.get() >= 11);
    first.close();
    engines.remove(first);

    // A new engine with an empty state directory runs the same statements: same query id, same
    // consumer group, and its task restores the window counts from the changelog topic.
    SqlEngine second = engine("state-2");
    secondHalf();
    assertEquals(EXPECTED, fraudRows(second));
    QueryRuntime q2 = second.queries().get(0);
    assertTrue(q2.metrics().restoredRecords.get() > 0, "state came back from the changelog");
    assertEquals(1, q2.metrics().lateDropped.get());
  }
}
