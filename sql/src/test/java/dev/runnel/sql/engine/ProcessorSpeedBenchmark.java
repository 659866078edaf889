package dev.runnel.sql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.sql.TestCatalog;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.analyzer.QueryPlanner;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.parser.SqlParser;
import dev.runnel.sql.state.ChangeloggedStore;
import dev.runnel.sql.state.LmdbStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fraud query's processing without the network: JSON decode, window aggregation and LMDB
 * state, changelog records counted but not sent. Off by default (-Drunnel.sql.bench=true).
 */
@EnabledIfSystemProperty(named = "runnel.sql.bench", matches = "true")
class ProcessorSpeedBenchmark {
  static final int RECORDS = 200_000;
  @TempDir Path dir;

  @Test
  void fraud_query_processing_rate() {
    Statement.CreateAsSelect s = (Statement.CreateAsSelect) SqlParser.parseOne(AggregateProcessorTest.SEED).statement();
    QueryPlan plan = new QueryPlanner(TestCatalog.catalog()).plan(s.query(), true);
    RecordCodec codec = new RecordCodec(TestCatalog.attempts(1));
    for (int round = 0; round < 3; round++) {
      AtomicLong changelog = new AtomicLong();
      QueryMetrics metrics = new QueryMetrics();
      try (ChangeloggedStore store = new ChangeloggedStore(LmdbStore.openFresh(dir.resolve("r" + round)),
          (k, v) -> changelog.incrementAndGet())) {
        AggregateProcessor p = new AggregateProcessor(plan, store, (r, t, a, b, c) -> {}, metrics);
        long start = System.nanoTime();
        for (int i = 0; i < RECORDS; i++) {
          byte[] value = ("{\"card_number\":\"card-" + (i % 10_000) + "\",\"amount\":12.34}").getBytes(StandardCharsets.UTF_8);
          Object[] row = codec.decode(null, value, 1_700_000_000_000L + i * 10L, 0, i).row();
          p.process(row, (Long) row[7], i);
          if (i % 5_000 == 4_999) {
            store.commit();
          }
        }
        store.commit();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH processing round %d: %.0f records/s, %d changelog records%n", round, RECORDS / seconds,
            changelog.get());
        assertEquals(0, metrics.lateDropped.get());
      }
    }
  }
}
