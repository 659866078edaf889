package dev.runnel.sql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.sql.TestCatalog;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.analyzer.QueryPlanner;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.parser.SqlParser;
import dev.runnel.sql.state.MemoryStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GROUP BY, windows, HAVING and emission on scripted events, without a cluster: the rows each
 * input produces are the golden output.
 */
class AggregateProcessorTest {
  static final long MIN = 60_000;
  private final MemoryStore store = new MemoryStore();
  private final List<String> out = new ArrayList<>();
  private final QueryMetrics metrics = new QueryMetrics();
  private AggregateProcessor processor;
  private long offset;

  private void query(String sql) {
    Statement s = SqlParser.parseOne(sql).statement();
    var q = s instanceof Statement.CreateAsSelect c ? c.query() : ((Statement.SelectStatement) s).query();
    QueryPlan plan = new QueryPlanner(TestCatalog.catalog()).plan(q, s instanceof Statement.CreateAsSelect);
    processor = new AggregateProcessor(plan, store, (row, tombstone, ws, we, ts) ->
        out.add((tombstone ? "DELETE " : "") + Arrays.toString(row) + (ws == null ? "" : " [" + ws / 1000 + "s," + we / 1000 + "s)")),
        metrics);
  }

  /** One attempt: card, amount, event time in seconds. */
  private void attempt(String card, double amount, long tsSeconds) {
    Object[] row = new Object[7 + RecordCodec.PSEUDO_COLUMNS];
    row[0] = card;
    row[1] = amount;
    row[2] = "shop-" + (offset % 2);
    row[7] = tsSeconds * 1000;
    processor.process(row, tsSeconds * 1000, offset++);
  }

  private List<String> drain() {
    List<String> copy = List.copyOf(out);
    out.clear();
    return copy;
  }

  static final String SEED = "CREATE STREAM possible_fraud AS SELECT card_number, count(*) FROM authorization_attempts"
      + " WINDOW TUMBLING (SIZE 5 MINUTE) GROUP BY card_number HAVING count(*) > 3;";

  @Test
  void seed_query_flags_the_fourth_attempt_in_a_window_and_not_three() {
    query(SEED);
    for (int i = 0; i < 3; i++) {
      attempt("A", 10, 10 + i);
    }
    attempt("B", 10, 20);
    assertEquals(List.of(), drain(), "three attempts are not fraud");
    attempt("A", 10, 100);
    assertEquals(List.of("[A, 4] [0s,300s)"), drain());
    attempt("A", 10, 299);
    assertEquals(List.of("[A, 5] [0s,300s)"), drain(), "each further attempt updates the row");
    // 300 s is the next window: its count starts again.
    for (int i = 0; i < 3; i++) {
      attempt("A", 10, 300 + i);
    }
    assertEquals(List.of(), drain());
    attempt("A", 10, 310);
    assertEquals(List.of("[A, 4] [300s,600s)"), drain());
  }

  @Test
  void late_events_within_the_grace_period_count_and_beyond_it_are_dropped() {
    query("CREATE STREAM f AS SELECT card_number, count(*) FROM authorization_attempts"
        + " WINDOW TUMBLING (SIZE 5 MINUTE, GRACE PERIOD 1 MINUTE) GROUP BY card_number HAVING count(*) > 3;");
    for (int i = 0; i < 3; i++) {
      attempt("C", 1, 60 + i);
    }
    attempt("X", 1, 330); // stream time 5:30: window [0,5m) is still open until 6:00
    attempt("C", 1, 200); // late but within grace: counts
    assertEquals(List.of("[C, 4] [0s,300s)"), drain());
    attempt("X", 1, 360); // stream time 6:00: [0,5m) closes
    attempt("C", 1, 250); // beyond grace: dropped
    assertEquals(List.of(), drain());
    assertEquals(1, metrics.lateDropped.get());
  }

  @Test
  void emit_final_emits_each_window_once_when_it_closes() {
    query("CREATE TABLE f AS SELECT card_number, count(*) AS n, SUM(amount) AS total FROM authorization_attempts"
        + " WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS) GROUP BY card_number EMIT FINAL;");
    attempt("A", 1, 0);
    attempt("A", 2, 30);
    attempt("B", 5, 59);
    assertEquals(List.of(), drain());
    attempt("A", 4, 60);
    assertEquals(List.of("[A, 2, 3.0] [0s,60s)", "[B, 1, 5.0] [0s,60s)"), drain());
    attempt("A", 4, 125);
    assertEquals(List.of("[A, 1, 4.0] [60s,120s)"), drain());
  }

  @Test
  void hopping_windows_count_a_record_in_every_window_it_falls_in() {
    query("CREATE TABLE h AS SELECT card_number, count(*) AS n FROM authorization_attempts"
        + " WINDOW HOPPING (SIZE 2 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY card_number;");
    attempt("A", 1, 90);
    assertEquals(List.of("[A, 1] [0s,120s)", "[A, 1] [60s,180s)"), drain());
    attempt("A", 1, 150);
    assertEquals(List.of("[A, 2] [60s,180s)", "[A, 1] [120s,240s)"), drain());
  }

  @Test
  void session_windows_merge_and_retract_the_sessions_they_replace() {
    query("CREATE TABLE s AS SELECT card_number, count(*) AS n FROM authorization_attempts"
        + " WINDOW SESSION (120 SECONDS) GROUP BY card_number;");
    attempt("A", 1, 0);
    attempt("A", 1, 200);
    assertEquals(List.of("[A, 1] [0s,0s)", "[A, 1] [200s,200s)"), drain());
    attempt("A", 1, 100); // within 120 s of both: merges them
    assertEquals(List.of("DELETE [A, null] [0s,0s)", "DELETE [A, null] [200s,200s)", "[A, 3] [0s,200s)"), drain());
  }

  @Test
  void all_aggregate_functions() {
    query("SELECT card_number, COUNT(*), COUNT(merchant), SUM(amount), AVG(amount), MIN(amount), MAX(amount),"
        + " COUNT_DISTINCT(merchant), COLLECT_LIST(amount), COLLECT_SET(merchant), EARLIEST_BY_OFFSET(amount),"
        + " LATEST_BY_OFFSET(amount), TOPK(amount, 2) FROM authorization_attempts GROUP BY card_number EMIT CHANGES;");
    attempt("A", 3, 1);
    attempt("A", 1, 2);
    attempt("A", 5, 3);
    List<String> rows = drain();
    assertEquals("[A, 3, 3, 9.0, 3.0, 1.0, 5.0, 2, [3.0, 1.0, 5.0], [shop-0, shop-1], 3.0, 5.0, [5.0, 3.0]]",
        rows.get(2));
  }

  @Test
  void a_record_read_again_after_a_crash_is_not_counted_twice() {
    query(SEED);
    for (int i = 0; i < 4; i++) {
      attempt("A", 1, i);
    }
    offset = 2; // the consumer re-reads from the last committed offset
    attempt("A", 1, 2);
    attempt("A", 1, 3);
    attempt("A", 1, 4);
    assertEquals(List.of("[A, 4] [0s,300s)", "[A, 5] [0s,300s)"), drain());
    assertEquals(2, metrics.duplicatesSkipped.get());
  }

  @Test
  void having_that_stops_passing_emits_a_tombstone() {
    query("CREATE TABLE t AS SELECT card_number, SUM(amount) AS total FROM authorization_attempts"
        + " GROUP BY card_number HAVING SUM(amount) > 10;");
    attempt("A", 11, 1);
    attempt("A", -5, 2);
    attempt("A", -1, 3);
    assertEquals(List.of("[A, 11.0]", "DELETE [A, null]"), drain());
  }
}
