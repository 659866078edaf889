package dev.runnel.cli;

import static dev.runnel.cli.ErrorAssertions.assertOneErrorLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicCommandsTest {
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
  void cluster_describe_lists_the_node() {
    Cli.Result described = Cli.run("cluster", "describe", "--bootstrap", bootstrap);
    assertEquals(0, described.exitCode(), described.describe());
    assertTrue(described.out().contains("1 node(s), controller leader: node 1"), described.describe());
    assertTrue(
        described.out().lines().anyMatch(l -> l.matches("1\\s+" + bootstrap + "\\s+-\\s+yes\\s+\\d+\\s+\\d+\\s+\\d+")),
        described.describe());
  }

  @Test
  void alter_configs_and_delete_records() {
    assertEquals(0, Cli.run("topic", "create", "trim", "--partitions", "1", "--bootstrap", bootstrap).exitCode());
    Cli.Result produced =
        Cli.runWithInput("a\nb\nc\nd\n", "produce", "trim", "--bootstrap", bootstrap);
    assertEquals(0, produced.exitCode(), produced.describe());

    Cli.Result altered =
        Cli.run("topic", "alter", "trim", "--config", "retention.ms=3600000", "--bootstrap", bootstrap);
    assertEquals(0, altered.exitCode(), altered.describe());
    assertTrue(altered.out().contains("  retention.ms=3600000"), altered.describe());
    Cli.Result badKey = Cli.run("topic", "alter", "trim", "--config", "retention=1", "--bootstrap", bootstrap);
    assertEquals(1, badKey.exitCode(), badKey.describe());
    assertTrue(badKey.err().startsWith("error: INVALID_CONFIG: unknown topic config 'retention'"), badKey.describe());
    Cli.Result nothing = Cli.run("topic", "alter", "trim", "--bootstrap", bootstrap);
    assertEquals(2, nothing.exitCode(), nothing.describe());

    // "a".."d" may have gone in one batch or several: delete below offset 2 and check the start.
    Cli.Result deleted =
        Cli.run("records", "delete", "trim", "--partition", "0", "--before-offset", "2", "--bootstrap", bootstrap);
    assertEquals(0, deleted.exitCode(), deleted.describe());
    assertTrue(deleted.out().contains("trim-0 now starts at offset 2"), deleted.describe());
    Cli.Result beyond =
        Cli.run("records", "delete", "trim", "--partition", "0", "--before-offset", "99", "--bootstrap", bootstrap);
    assertEquals(1, beyond.exitCode(), beyond.describe());
    assertTrue(beyond.err().startsWith("error: OFFSET_OUT_OF_RANGE"), beyond.describe());
  }

  @Test
  void create_list_describe_delete_round_trip() {
    Cli.Result created =
        Cli.run("topic", "create", "orders", "--partitions", "3", "--config", "max.message.bytes=2048",
            "--bootstrap", bootstrap);
    assertEquals(0, created.exitCode(), created.describe());
    assertTrue(created.out().contains("created topic orders with 3 partitions"), created.describe());

    Cli.Result listed = Cli.run("topic", "list", "--bootstrap", bootstrap);
    assertEquals(0, listed.exitCode(), listed.describe());
    assertTrue(listed.out().lines().anyMatch(l -> l.matches("orders\\s+3\\s+1")), listed.describe());

    Cli.Result described = Cli.run("topic", "describe", "orders", "--bootstrap", bootstrap);
    assertEquals(0, described.exitCode(), described.describe());
    assertTrue(
        described.out().contains("PARTITION  LEADER  REPLICAS  REPLICA LAG  LOG START  HIGH WATERMARK  SIZE BYTES"),
        described.describe());
    for (int p = 0; p < 3; p++) {
      int partition = p;
      // Leader 1, replicas "1", the leader's own lag "1:0", empty log.
      assertTrue(
          described.out().lines().anyMatch(l -> l.matches(partition + "\\s+1\\s+1\\s+1:0\\s+0\\s+0\\s+0")),
          described.describe());
    }
    assertTrue(described.out().contains("  max.message.bytes=2048"), described.describe());

    Cli.Result deleted = Cli.run("topic", "delete", "orders", "--bootstrap", bootstrap);
    assertEquals(0, deleted.exitCode(), deleted.describe());
    Cli.Result afterDelete = Cli.run("topic", "list", "--bootstrap", bootstrap);
    assertFalse(afterDelete.out().contains("orders"), afterDelete.describe());
  }

  @Test
  void describing_an_unknown_topic_is_one_error_line() {
    assertOneErrorLine(
        Cli.run("topic", "describe", "nope", "--bootstrap", bootstrap), 1, "error: UNKNOWN_TOPIC");
  }

  @Test
  void invalid_topic_name_is_one_error_line() {
    assertOneErrorLine(
        Cli.run("topic", "create", "bad/name", "--partitions", "1", "--bootstrap", bootstrap),
        1,
        "error: INVALID_TOPIC_NAME");
  }

  @Test
  void zero_partitions_is_one_error_line() {
    assertOneErrorLine(
        Cli.run("topic", "create", "zero", "--partitions", "0", "--bootstrap", bootstrap),
        1,
        "error: INVALID_PARTITIONS");
  }

  @Test
  void creating_an_existing_topic_is_one_error_line() {
    assertEquals(0, Cli.run("topic", "create", "twice", "--partitions", "1", "--bootstrap", bootstrap).exitCode());
    assertOneErrorLine(
        Cli.run("topic", "create", "twice", "--partitions", "1", "--bootstrap", bootstrap),
        1,
        "error: TOPIC_ALREADY_EXISTS");
  }

  @Test
  void nothing_listening_at_bootstrap_is_one_error_line_quickly() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    long startMs = System.currentTimeMillis();
    Cli.Result result =
        Cli.run("topic", "list", "--bootstrap", "127.0.0.1:" + closedPort, "--request-timeout-ms", "3000");
    assertOneErrorLine(result, 1, "error: UNAVAILABLE");
    assertTrue(result.err().contains("is a node running at 127.0.0.1:" + closedPort), result.describe());
    assertTrue(System.currentTimeMillis() - startMs < 10_000, "took too long");
  }

  @Test
  void malformed_bootstrap_is_a_usage_error() {
    assertOneErrorLine(Cli.run("topic", "list", "--bootstrap", "no-port"), 2, "error: ");
  }

  @Test
  void missing_required_option_is_a_usage_error() {
    assertOneErrorLine(
        Cli.run("topic", "create", "x", "--bootstrap", bootstrap), 2, "error: Missing required option");
  }

  @Test
  void unknown_option_and_missing_subcommand_are_usage_errors() {
    assertOneErrorLine(Cli.run("topic", "list", "--bogus"), 2, "error: Unknown option: '--bogus'");
    assertOneErrorLine(Cli.run("topic"), 2, "error: missing subcommand");
    assertOneErrorLine(Cli.run(), 2, "error: missing command");
  }

  @Test
  void bad_node_config_is_one_line_and_exit_2(@TempDir Path tmp) throws IOException {
    assertOneErrorLine(
        Cli.run("node", "--config", tmp.resolve("missing.properties").toString()),
        2,
        "error: config file");
    Path config = Files.writeString(tmp.resolve("node.properties"), "node.id=1\n");
    assertOneErrorLine(
        Cli.run("node", "--config", config.toString(), "--set", "no.such.key=1"),
        2,
        "error: unknown config key 'no.such.key'");
    assertOneErrorLine(Cli.run("dev", "--port", "70000"), 2, "error: grpc.port must be between 0 and 65535");
  }

  @Test
  void help_and_version() {
    Cli.Result version = Cli.run("--version");
    assertEquals(0, version.exitCode());
    assertTrue(version.out().startsWith("runnel 0.1.0"), version.describe());
    for (String[] args :
        new String[][] {
          {"--help"}, {"topic", "create", "--help"}, {"consume", "--help"}, {"perf", "produce", "--help"}
        }) {
      Cli.Result help = Cli.run(args);
      assertEquals(0, help.exitCode(), help.describe());
      assertTrue(help.out().startsWith("Usage: runnel"), help.describe());
    }
  }
}
