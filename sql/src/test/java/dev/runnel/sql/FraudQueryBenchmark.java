package dev.runnel.sql;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.loadtest.LocalNode;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.engine.QueryRuntime;
import dev.runnel.sql.format.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput and latency of the seed's fraud query on one engine and one local node. Off by
 * default; run with -Drunnel.sql.bench=true (see docs/benchmarks.md for the command).
 */
@EnabledIfSystemProperty(named = "runnel.sql.bench", matches = "true")
class FraudQueryBenchmark {
  static final int RECORDS = Integer.getInteger("runnel.sql.bench.records", 200_000);
  static final int PARTITIONS = Integer.getInteger("runnel.sql.bench.partitions", 1);
  static final int LATENCY_SAMPLES = 200;
  @TempDir Path dir;

  @Test
  @org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
  void fraud_query_throughput_and_latency() throws Exception {
    try (LocalNode node = LocalNode.start(dir.resolve("node"));
        Producer producer = Producer.builder().bootstrap(node.bootstrap()).lingerMs(5).build();
        SqlEngine engine = new SqlEngine(SqlConfig.defaults(node.bootstrap(), dir.resolve("state")))) {
      engine.execute("CREATE STREAM authorization_attempts (card_number VARCHAR, amount DOUBLE) WITH"
          + " (kafka_topic='authorization_attempts', value_format='JSON', partitions=" + PARTITIONS + ");"
          + " SET 'auto.offset.reset'='earliest';");
      long t0 = 1_700_000_000_000L;
      // 10,000 cards, one attempt per 10 ms of event time: every 5-minute window holds ~3 attempts per card.
      for (int i = 0; i < RECORDS; i++) {
        producer.send(attempt("card-" + (i % 10_000), t0 + i * 10L));
      }
      producer.flush();
      long start = System.nanoTime();
      engine.execute(FraudDemoEndToEndTest.SEED);
      QueryRuntime q = engine.queries().get(0);
      await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> q.metrics().recordsIn.get() >= (long) RECORDS * (PARTITIONS > 1 ? 2 : 1));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("BENCH throughput: %d records through the fraud query in %.2f s = %.0f records/s"
          + " (partitions=%d, %s)%n", RECORDS, seconds, RECORDS / seconds, PARTITIONS, q.metrics());

      // Latency: the 4th attempt of a fresh card produces a row; time from its send to the row's arrival.
      Map<String, Long> arrivals = new ConcurrentHashMap<>();
      RecordCodec codec = new RecordCodec(engine.source("POSSIBLE_FRAUD"));
      Thread reader = new Thread(() -> {
        try (Consumer c = Consumer.builder().bootstrap(node.bootstrap()).fetchMaxWaitMs(100).build()) {
          List<TopicPartition> tps = new ArrayList<>();
          for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition("POSSIBLE_FRAUD", p));
          }
          c.assign(tps);
          c.seekToEnd(tps);
          while (!Thread.currentThread().isInterrupted() && arrivals.size() < LATENCY_SAMPLES) {
            for (ConsumerRecord r : c.poll(Duration.ofMillis(100))) {
              Object[] row = codec.decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset()).row();
              arrivals.putIfAbsent((String) row[0], System.nanoTime());
            }
          }
        }
      });
      reader.start();
      Thread.sleep(1_000);
      long[] sent = new long[LATENCY_SAMPLES];
      long ts = t0 + RECORDS * 10L;
      for (int i = 0; i < LATENCY_SAMPLES; i++) {
        for (int n = 0; n < 3; n++) {
          producer.send(attempt("fresh-" + i, ts++));
        }
        producer.flush();
        sent[i] = System.nanoTime();
        producer.sendSync(attempt("fresh-" + i, ts++));
        Thread.sleep(20);
      }
      await().atMost(Duration.ofMinutes(2)).until(() -> arrivals.size() >= LATENCY_SAMPLES);
      reader.interrupt();
      reader.join();
      long[] latencies = new long[LATENCY_SAMPLES];
      for (int i = 0; i < LATENCY_SAMPLES; i++) {
        latencies[i] = arrivals.get("fresh-" + i) - sent[i];
      }
      System.out.println("BENCH latencies in send order (ms): " + java.util.Arrays.stream(latencies).mapToObj(l -> String.valueOf(l / 1_000_000)).collect(java.util.stream.Collectors.joining(" ")));
      java.util.Arrays.sort(latencies);
      System.out.printf("BENCH latency input record -> output row: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)%n",
          latencies[LATENCY_SAMPLES / 2] / 1e6, latencies[LATENCY_SAMPLES * 99 / 100] / 1e6,
          latencies[LATENCY_SAMPLES - 1] / 1e6, LATENCY_SAMPLES);
      assertEquals(LATENCY_SAMPLES, arrivals.keySet().stream().filter(k -> k.startsWith("fresh-")).count());
    }
  }

  private static ProducerRecord attempt(String card, long ts) {
    byte[] value = ("{\"card_number\":\"" + card + "\",\"amount\":12.34}").getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord("authorization_attempts", null, null, value, List.of(), ts);
  }
}
