package dev.runnel.cli;

import static dev.runnel.cli.ErrorAssertions.assertOneErrorLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceConsumeCommandsTest {
  // Bounds every consume in this class so a bug fails the test instead of hanging it.
  private static final String IDLE_TIMEOUT_MS = "15000";

  @TempDir static Path dataDir;
  static LocalNode node;
  static String bootstrap;

  @BeforeAll
  static void startNode() throws Exception {
    node = LocalNode.start(dataDir);
    bootstrap = node.bootstrap();
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @Test
  void keyed_lines_come_back_with_their_keys() {
    createTopic("keyed", 3);
    List<String> lines = IntStream.range(0, 100).mapToObj(i -> "k" + i % 7 + ":v" + i).toList();
    Cli.Result produced =
        Cli.runWithInput(String.join("\n", lines) + "\n", "produce", "keyed", "--key-separator", ":",
            "--bootstrap", bootstrap);
    assertEquals(0, produced.exitCode(), produced.describe());
    assertEquals("produced 100 records to keyed\n", produced.err());

    Cli.Result consumed =
        Cli.run("consume", "keyed", "--from-beginning", "--max-messages", "100", "--print-key",
            "--timeout-ms", IDLE_TIMEOUT_MS, "--bootstrap", bootstrap);
    assertEquals(0, consumed.exitCode(), consumed.describe());
    List<String> expected = lines.stream().map(l -> l.replace(':', '\t')).sorted().toList();
    assertEquals(expected, consumed.out().lines().sorted().toList());
  }

  @Test
  void partition_and_offset_pick_where_to_start() {
    createTopic("single", 1);
    produce("single", 10);
    Cli.Result consumed =
        Cli.run("consume", "single", "--partition", "0", "--offset", "7", "--max-messages", "3",
            "--print-offset", "--timeout-ms", IDLE_TIMEOUT_MS, "--bootstrap", bootstrap);
    assertEquals(0, consumed.exitCode(), consumed.describe());
    assertEquals("p0@7\tm7\np0@8\tm8\np0@9\tm9\n", consumed.out());
  }

  @Test
  void a_group_continues_after_its_committed_offset() {
    createTopic("grouped", 1);
    produce("grouped", 10);
    String[] consumeFour = {
      "consume", "grouped", "--group", "readers", "--from-beginning", "--max-messages", "4",
      "--timeout-ms", IDLE_TIMEOUT_MS, "--bootstrap", bootstrap
    };
    Cli.Result first = Cli.run(consumeFour);
    assertEquals("m0\nm1\nm2\nm3\n", first.out(), first.describe());
    Cli.Result second = Cli.run(consumeFour);
    assertEquals("m4\nm5\nm6\nm7\n", second.out(), second.describe());
  }

  @Test
  void group_list_and_describe_show_committed_offsets_and_lag() {
    createTopic("described", 2);
    produce("described", 10);
    Cli.Result consumed =
        Cli.run("consume", "described", "--group", "inspectors", "--from-beginning", "--max-messages", "4",
            "--timeout-ms", IDLE_TIMEOUT_MS, "--bootstrap", bootstrap);
    assertEquals(0, consumed.exitCode(), consumed.describe());

    Cli.Result listed = Cli.run("group", "list", "--bootstrap", bootstrap);
    assertEquals(0, listed.exitCode(), listed.describe());
    assertTrue(listed.out().lines().anyMatch(l -> l.matches("inspectors\\s+empty\\s+0")), listed.describe());

    Cli.Result described = Cli.run("group", "describe", "inspectors", "--bootstrap", bootstrap);
    assertEquals(0, described.exitCode(), described.describe());
    List<String> lines = described.out().lines().toList();
    assertTrue(lines.get(0).startsWith("group inspectors: empty, 0 members"), described.describe());
    assertEquals("TOPIC", lines.get(1).split("\\s+")[0], described.describe());
    long committed = 0;
    long lag = 0;
    for (String row : lines.subList(2, lines.size())) {
      String[] cells = row.split("\\s+");
      assertEquals("described", cells[0], described.describe());
      long rowCommitted = cells[3].equals("-") ? 0 : Long.parseLong(cells[3]);
      long end = Long.parseLong(cells[4]);
      if (!cells[3].equals("-")) {
        assertEquals(end - rowCommitted, Long.parseLong(cells[5]), "lag = end - committed: " + row);
        lag += end - rowCommitted;
      }
      committed += rowCommitted;
    }
    assertEquals(4, committed, described.describe());
    assertTrue(lag <= 6, described.describe());
  }

  @Test
  void describing_an_unknown_group_is_one_error_line() {
    assertOneErrorLine(Cli.run("group", "describe", "nobody", "--bootstrap", bootstrap), 1, "error: UNKNOWN_GROUP");
  }

  @Test
  void consume_exits_after_idle_timeout() {
    createTopic("quiet", 1);
    long startMs = System.currentTimeMillis();
    Cli.Result consumed = Cli.run("consume", "quiet", "--timeout-ms", "500", "--bootstrap", bootstrap);
    assertEquals(0, consumed.exitCode(), consumed.describe());
    assertEquals("", consumed.out());
    assertTrue(System.currentTimeMillis() - startMs < 10_000);
  }

  @Test
  void producing_to_an_unknown_topic_is_one_error_line() {
    assertOneErrorLine(
        Cli.runWithInput("a\nb\n", "produce", "missing", "--bootstrap", bootstrap), 1, "error: UNKNOWN_TOPIC");
  }

  @Test
  void consuming_an_unknown_topic_is_one_error_line() {
    assertOneErrorLine(
        Cli.run("consume", "missing", "--timeout-ms", "500", "--bootstrap", bootstrap), 1, "error: UNKNOWN_TOPIC");
  }

  @Test
  void offset_without_partition_is_a_usage_error() {
    assertOneErrorLine(
        Cli.run("consume", "single", "--offset", "3", "--bootstrap", bootstrap), 2, "error: --offset needs --partition");
  }

  @Test
  void acks_all_is_accepted_and_a_bad_acks_is_a_usage_error() {
    createTopic("acked", 1);
    Cli.Result all = Cli.runWithInput("a\nb\n", "produce", "acked", "--acks", "all", "--bootstrap", bootstrap);
    assertEquals(0, all.exitCode(), all.describe());
    assertTrue(all.err().contains("produced 2 records"), all.describe());
    Cli.Result bad = Cli.runWithInput("a\n", "produce", "acked", "--acks", "some", "--bootstrap", bootstrap);
    assertEquals(2, bad.exitCode(), bad.describe());
    assertTrue(bad.err().contains("'some' is not quorum, all, leader or none"), bad.describe());
  }

  @Test
  void compressed_produce_reads_back_and_stores_fewer_bytes() {
    String input =
        IntStream.range(0, 300)
            .mapToObj(i -> "{\"order\":" + i + ",\"status\":\"PAID\",\"note\":\"leave it at the door, please\"}")
            .collect(Collectors.joining("\n"));
    java.util.Map<String, Long> sizeBytes = new java.util.HashMap<>();
    for (String codec : List.of("none", "lz4", "zstd")) {
      String topic = "codec-" + codec;
      createTopic(topic, 1);
      Cli.Result produced =
          Cli.runWithInput(input, "produce", topic, "--compression", codec, "--bootstrap", bootstrap);
      assertEquals(0, produced.exitCode(), produced.describe());
      Cli.Result consumed =
          Cli.run("consume", topic, "--from-beginning", "--max-messages", "300", "--timeout-ms", IDLE_TIMEOUT_MS,
              "--bootstrap", bootstrap);
      assertEquals(0, consumed.exitCode(), consumed.describe());
      assertEquals(input + "\n", consumed.out());
      try (dev.runnel.sdk.Admin admin = dev.runnel.sdk.Admin.create(bootstrap)) {
        sizeBytes.put(codec, admin.describeTopic(topic).getPartitions(0).getSizeBytes());
      }
    }
    assertTrue(sizeBytes.get("lz4") < sizeBytes.get("none") / 2, sizeBytes.toString());
    assertTrue(sizeBytes.get("zstd") < sizeBytes.get("none") / 2, sizeBytes.toString());
    Cli.Result bad = Cli.runWithInput("a\n", "produce", "codec-none", "--compression", "gzip", "--bootstrap", bootstrap);
    assertEquals(2, bad.exitCode(), bad.describe());
    assertTrue(bad.err().contains("'gzip' is not none, lz4 or zstd"), bad.describe());
  }

  @Test
  void perf_subcommands_run_through_the_cli() {
    Cli.Result produced =
        Cli.run("perf", "produce", "--topic", "perf-cli", "--records", "300", "--record-size", "50",
            "--partitions", "2", "--bootstrap", bootstrap);
    assertEquals(0, produced.exitCode(), produced.describe());
    assertTrue(produced.out().startsWith("produce perf-cli: 300 records, 0 failed"), produced.describe());
    Cli.Result consumed =
        Cli.run("perf", "consume", "--topic", "perf-cli", "--records", "300", "--timeout-s", "30",
            "--bootstrap", bootstrap);
    assertEquals(0, consumed.exitCode(), consumed.describe());
    assertTrue(consumed.out().startsWith("consume perf-cli: 300 records"), consumed.describe());
  }

  @Test
  void perf_e2e_and_perf_run_work_through_the_cli(@TempDir Path tmp) throws IOException {
    Cli.Result e2e =
        Cli.run("perf", "e2e", "--partitions", "1", "--record-size", "32", "--rate", "200", "--records", "100",
            "--warmup-s", "0", "--duration-s", "5", "--bootstrap", bootstrap);
    assertEquals(0, e2e.exitCode(), e2e.describe());
    assertTrue(e2e.out().contains("  e2e      100 records, 0 failed, 0 missing"), e2e.describe());

    Path workload = tmp.resolve("typo.yaml");
    Files.writeString(workload, "name: typo\nrecordSize: 10\n");
    Cli.Result bad = Cli.run("perf", "run", workload.toString(), "--bootstrap", bootstrap);
    assertOneErrorLine(bad, 2, "error: " + workload + ": unknown key 'recordSize'; known keys: ");
  }

  private static void createTopic(String name, int partitions) {
    Cli.Result created =
        Cli.run("topic", "create", name, "--partitions", String.valueOf(partitions), "--bootstrap", bootstrap);
    assertEquals(0, created.exitCode(), created.describe());
  }

  /** Produces m0..m{count-1}, unkeyed. */
  private static void produce(String topic, int count) {
    String input = IntStream.range(0, count).mapToObj(i -> "m" + i).collect(Collectors.joining("\n"));
    Cli.Result produced = Cli.runWithInput(input, "produce", topic, "--bootstrap", bootstrap);
    assertEquals(0, produced.exitCode(), produced.describe());
  }
}
