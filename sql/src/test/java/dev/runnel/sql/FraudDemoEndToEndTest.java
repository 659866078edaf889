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
  static final String SOURCE = "CREATE STREAM authorization_attempts (card_number VARCHAR, amount DOUBLE)"
      + " WITH (kafka_topic='authorization_attempts', value_format='JSON', partitions=1);";
  static final String SEED = """
      CREATE STREAM possible_fraud AS
        SELECT card_number, count(*)
        FROM authorization_attempts
        WINDOW TUMBLING (SIZE 5 MINUTE)
        GROUP BY card_number
        HAVING count(*) > 3;""";
  static final long MIN = 60_000;
  /** A window start: 2023-11-14 22:10 UTC. */
  static final long T0 = 1_700_000_000_000L - (1_700_000_000_000L % (5 * MIN));
  static final long GRACE = 24 * 60 * MIN;

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

  private void attempt(String card, long tsMs) {
    byte[] value = ("{\"card_number\":\"" + card + "\",\"amount\":9.99}").getBytes(StandardCharsets.UTF_8);
    producer.sendSync(new ProducerRecord("authorization_attempts", null, null, value, List.of(), tsMs));
  }

  /** The first half of the script: up to the middle of card A's burst. */
  private void firstHalf() {
    attempt("A", T0 + 10_000);
    attempt("B", T0 + 11_000);
    attempt("A", T0 + 20_000);
    attempt("B", T0 + 21_000);
    attempt("B", T0 + 22_000); // B: 3 attempts in the window, not fraud
    attempt("D", T0 + 30_000);
    attempt("D", T0 + 31_000);
    attempt("D", T0 + 32_000); // D: 3 so far
    attempt("E", T0 + 40_000);
    attempt("E", T0 + 41_000);
    attempt("E", T0 + 42_000); // E: 3 so far
  }

  private void secondHalf() {
    attempt("A", T0 + 30_000);
    attempt("A", T0 + 40_000); // A: 4th attempt in [T0, T0+5m): flagged
    // C: two attempts each side of the boundary at T0+5m: 2 per window, not flagged.
    attempt("C", T0 + 5 * MIN - 10_000);
    attempt("C", T0 + 5 * MIN - 5_000);
    attempt("C", T0 + 5 * MIN + 5_000);
    attempt("C", T0 + 5 * MIN + 10_000);
    attempt("X", T0 + 60 * MIN); // stream time moves one hour on
    attempt("D", T0 + 3 * MIN); // late, within the 24 h default grace: D's 4th, flagged
    attempt("Y", T0 + 5 * MIN + GRACE); // stream time reaches T0's window end + grace: it closes
    attempt("E", T0 + 2 * MIN); // E's 4th, but beyond the grace period: dropped
    for (int i = 0; i < 4; i++) {
      attempt("Z", T0 + 5 * MIN + GRACE + i); // the end marker: flagged last
    }
  }

  static final List<String> EXPECTED = List.of(
      "A count=4 window=[T0+0m,T0+5m)",
      "D count=4 window=[T0+0m,T0+5m)",
      "Z count=4 window=[T0+1445m,T0+1450m)");

  /** The possible_fraud rows in topic order, once the end marker's row is there. */
  private List<String> fraudRows(SqlEngine engine) {
    DataSource sink = engine.source("POSSIBLE_FRAUD");
    RecordCodec codec = new RecordCodec(sink);
    List<String> rows = new ArrayList<>();
    try (Consumer c = Consumer.builder().bootstrap(node.bootstrap()).build()) {
      TopicPartition tp = new TopicPartition(sink.topic(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord r : c.poll(Duration.ofMillis(200))) {
          Object[] row = codec.decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset()).row();
          long start = (Long) row[sink.columns().size() + 3];
          long end = (Long) row[sink.columns().size() + 4];
          rows.add(row[0] + " count=" + row[1] + " window=[T0+" + (start - T0) / MIN + "m,T0+" + (end - T0) / MIN + "m)");
        }
        return rows.stream().anyMatch(s -> s.startsWith("Z count=4"));
      });
    }
    return rows;
  }

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
