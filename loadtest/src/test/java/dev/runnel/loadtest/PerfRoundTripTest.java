package dev.runnel.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PerfRoundTripTest {
  @TempDir static Path dataDir;
  static LocalNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = LocalNode.start(dataDir);
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @Test
  void produce_perf_then_consume_perf_reads_every_record(@TempDir Path tmp) throws Exception {
    Path produceJson = tmp.resolve("produce.json");
    Path consumeJson = tmp.resolve("consume.json");

    int produced =
        run(new ProducePerf(), "--bootstrap", node.bootstrap(), "--topic", "perf-a",
            "--records", "2000", "--record-size", "100", "--producers", "2", "--key-count", "10",
            "--partitions", "3", "--duration-s", "60", "--json", produceJson.toString());
    assertEquals(0, produced);
    String produceSummary = Files.readString(produceJson);
    assertTrue(produceSummary.contains("\"kind\":\"produce\""), produceSummary);
    assertTrue(produceSummary.contains("\"records\":2000,"), produceSummary);
    assertTrue(produceSummary.contains("\"failed\":0,"), produceSummary);
    assertTrue(produceSummary.contains("\"bytes\":200000,"), produceSummary);

    int consumed =
        run(new ConsumePerf(), "--bootstrap", node.bootstrap(), "--topic", "perf-a",
            "--records", "2000", "--timeout-s", "30", "--json", consumeJson.toString());
    assertEquals(0, consumed);
    String consumeSummary = Files.readString(consumeJson);
    assertTrue(consumeSummary.contains("\"records\":2000,"), consumeSummary);
    assertTrue(consumeSummary.contains("\"bytes\":200000,"), consumeSummary);
  }

  @Test
  void compressed_json_payload_is_produced_and_consumed_in_full(@TempDir Path tmp) throws Exception {
    Path produceJson = tmp.resolve("produce.json");
    int produced =
        run(new ProducePerf(), "--bootstrap", node.bootstrap(), "--topic", "perf-zstd",
            "--records", "1500", "--record-size", "1024", "--payload", "json", "--compression", "zstd",
            "--partitions", "2", "--duration-s", "60", "--json", produceJson.toString());
    assertEquals(0, produced);
    assertTrue(Files.readString(produceJson).contains("\"bytes\":1536000,"), Files.readString(produceJson));
    int consumed =
        run(new ConsumePerf(), "--bootstrap", node.bootstrap(), "--topic", "perf-zstd",
            "--records", "1500", "--timeout-s", "30");
    assertEquals(0, consumed);
  }

  @Test
  void json_values_are_distinct_and_exactly_the_record_size() {
    byte[][] pool = JsonLikeValues.pool(1024);
    assertEquals(JsonLikeValues.POOL_SIZE, pool.length);
    assertTrue(java.util.Arrays.stream(pool).allMatch(v -> v.length == 1024));
    assertEquals(
        pool.length,
        java.util.Arrays.stream(pool).map(v -> new String(v, java.nio.charset.StandardCharsets.UTF_8)).distinct().count());
    assertTrue(new String(pool[0], java.nio.charset.StandardCharsets.UTF_8).startsWith("{\"event\":\""));
  }

  @Test
  void bad_compression_and_payload_values_are_usage_errors() {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new ProducePerf()).setErr(new PrintWriter(err));
    assertEquals(2, cmd.execute("--topic", "x", "--records", "1", "--record-size", "1", "--compression", "gzip"));
    assertTrue(err.toString().contains("'gzip' is not none, lz4 or zstd"), err.toString());
    assertEquals(2, cmd.execute("--topic", "x", "--records", "1", "--record-size", "1", "--payload", "xml"));
    assertTrue(err.toString().contains("--payload must be random or json, got 'xml'"), err.toString());
  }

  @Test
  void fixed_rate_run_is_paced_and_reports_latency() {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new ProducePerf()).setOut(new PrintWriter(out));
    long startMs = System.currentTimeMillis();
    int exit =
        cmd.execute("--bootstrap", node.bootstrap(), "--topic", "perf-rate", "--records", "200",
            "--record-size", "10", "--rate", "400", "--partitions", "1");
    long elapsedMs = System.currentTimeMillis() - startMs;
    assertEquals(0, exit);
    // 200 records at 400/s take at least half a second of pacing.
    assertTrue(elapsedMs >= 450, "finished in " + elapsedMs + " ms");
    assertTrue(out.toString().contains("produce perf-rate: 200 records, 0 failed"), out.toString());
    assertTrue(out.toString().contains("latency ms: p50 "), out.toString());
  }

  @Test
  void consume_perf_gives_up_at_its_timeout() {
    StringWriter err = new StringWriter();
    run(new ProducePerf(), "--bootstrap", node.bootstrap(), "--topic", "perf-short",
        "--records", "5", "--record-size", "1", "--partitions", "1");
    CommandLine cmd = new CommandLine(new ConsumePerf()).setErr(new PrintWriter(err));
    int exit =
        cmd.execute("--bootstrap", node.bootstrap(), "--topic", "perf-short", "--records", "10",
            "--timeout-s", "2");
    assertEquals(1, exit);
    assertTrue(err.toString().contains("read 5 of 10 records within 2 s"), err.toString());
  }

  @Test
  void out_of_bounds_option_is_a_usage_error() {
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new ProducePerf())
            .setErr(new PrintWriter(err))
            .execute("--topic", "t", "--records", "0", "--record-size", "1");
    assertEquals(2, exit);
    assertTrue(err.toString().contains("--records must be between 1 and"), err.toString());
  }

  private static int run(Object command, String... args) {
    return new CommandLine(command).setOut(new PrintWriter(new StringWriter())).execute(args);
  }
}
