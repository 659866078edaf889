package dev.runnel.cli;

import static dev.runnel.cli.ErrorAssertions.assertOneErrorLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runnel group reset-offsets} and {@code group delete} against a real node. */
class GroupCommandsTest {
  private static final String TOPIC = "ledger";
  /** Record i of each partition was written at T0 + i minutes. */
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  @TempDir static Path dataDir;
  static LocalNode node;
  static String bootstrap;

  @BeforeAll
  static void startNode() throws Exception {
    node = LocalNode.start(dataDir);
    bootstrap = node.bootstrap();
    try (Admin admin = Admin.create(bootstrap); Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      admin.createTopic(TOPIC, 3, 1, Map.of());
      for (int i = 0; i < 6; i++) {
        for (int p = 0; p < 3; p++) {
          long timestampMs = T0.plus(Duration.ofMinutes(i)).toEpochMilli();
          producer.sendSync(new ProducerRecord(TOPIC, p, null, new byte[] {1}, List.of(), timestampMs));
        }
      }
    }
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static Cli.Result run(String... args) {
    String[] withBootstrap = java.util.Arrays.copyOf(args, args.length + 2);
    withBootstrap[args.length] = "--bootstrap";
    withBootstrap[args.length + 1] = bootstrap;
    return Cli.run(withBootstrap);
  }

  /** Partition → committed offset ("-" for none), from {@code group describe}. */
  private static Map<Integer, String> committed(String group) {
    Cli.Result described = run("group", "describe", group);
    assertEquals(0, described.exitCode(), described.describe());
    Map<Integer, String> out = new TreeMap<>();
    for (String row : described.out().lines().skip(2).toList()) {
      String[] cells = row.split("\\s+");
      out.put(Integer.parseInt(cells[1]), cells[3]);
    }
    return out;
  }

  @Test
  void reset_offsets_in_every_mode_with_a_dry_run_first() {
    String g = "cli-reset";
    Cli.Result dry = run("group", "reset-offsets", g, "--topic", TOPIC, "--to-earliest", "--dry-run");
    assertEquals(0, dry.exitCode(), dry.describe());
    List<String> lines = dry.out().lines().toList();
    assertEquals(List.of("TOPIC", "PARTITION", "PREVIOUS", "NEW"), List.of(lines.get(0).split("\\s+")));
    assertTrue(lines.get(1).matches("ledger\\s+0\\s+-\\s+0"), dry.describe());
    assertTrue(lines.get(4).startsWith("dry run: nothing was committed"), dry.describe());
    assertOneErrorLine(run("group", "describe", g), 1, "error: UNKNOWN_GROUP");

    Cli.Result latest = run("group", "reset-offsets", g, "--topic", TOPIC, "--to-latest");
    assertEquals(0, latest.exitCode(), latest.describe());
    assertTrue(latest.out().contains("reset 3 partitions of group cli-reset to latest"), latest.describe());
    assertEquals(Map.of(0, "6", 1, "6", 2, "6"), committed(g));

    Cli.Result some = run("group", "reset-offsets", g, "--topic", TOPIC + ":0,2", "--to-offset", "2");
    assertEquals(0, some.exitCode(), some.describe());
    assertTrue(some.out().lines().anyMatch(l -> l.matches("ledger\\s+2\\s+6\\s+2")), some.describe());
    assertEquals(Map.of(0, "2", 1, "6", 2, "2"), committed(g));

    Cli.Result byTime = run("group", "reset-offsets", g, "--topic", TOPIC + ":1", "--to-datetime", "2026-11-27T08:03:00Z");
    assertEquals(0, byTime.exitCode(), byTime.describe());
    assertEquals(Map.of(0, "2", 1, "3", 2, "2"), committed(g));

    Cli.Result withZone = run("group", "reset-offsets", g, "--topic", TOPIC, "--to-datetime", "2026-11-27T09:04:00+01:00");
    assertEquals(0, withZone.exitCode(), withZone.describe());
    assertEquals(Map.of(0, "4", 1, "4", 2, "4"), committed(g));

    assertEquals(0, run("group", "reset-offsets", g, "--topic", TOPIC, "--to-earliest").exitCode());
    assertEquals(Map.of(0, "0", 1, "0", 2, "0"), committed(g));
  }

  @Test
  void an_active_group_can_be_neither_reset_nor_deleted() {
    String g = "cli-active";
    assertEquals(0, run("group", "reset-offsets", g, "--topic", TOPIC, "--to-offset", "1").exitCode());
    try (GroupConsumer member =
        GroupConsumer.builder()
            .bootstrap(bootstrap)
            .groupId(g)
            .autoCommit(false)
            .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
            .build()) {
      member.subscribe(List.of(TOPIC));
      long deadlineMs = System.currentTimeMillis() + 10_000;
      while (member.assignment().size() < 3) {
        assertFalse(System.currentTimeMillis() > deadlineMs, "no assignment within 10 s");
        member.poll(Duration.ofMillis(50));
      }
      Cli.Result reset = run("group", "reset-offsets", g, "--topic", TOPIC, "--to-earliest");
      assertOneErrorLine(reset, 1, "error: GROUP_NOT_EMPTY");
      assertTrue(reset.err().contains("it has 1 active member"), reset.describe());
      assertOneErrorLine(run("group", "delete", g), 1, "error: GROUP_NOT_EMPTY");
    }
    Cli.Result deleted = run("group", "delete", g);
    assertEquals(0, deleted.exitCode(), deleted.describe());
    assertEquals("deleted group cli-active (3 committed offsets)\n", deleted.out());
    assertOneErrorLine(run("group", "delete", g), 1, "error: UNKNOWN_GROUP");
  }

  @Test
  void bad_arguments_are_usage_errors() {
    assertOneErrorLine(run("group", "reset-offsets", "g", "--topic", TOPIC), 2, "error: ");
    assertOneErrorLine(run("group", "reset-offsets", "g", "--topic", TOPIC, "--to-earliest", "--to-latest"), 2, "error: ");
    assertOneErrorLine(
        run("group", "reset-offsets", "g", "--topic", TOPIC, "--to-datetime", "yesterday"),
        2,
        "error: --to-datetime 'yesterday' is not an ISO date-time");
    assertOneErrorLine(
        run("group", "reset-offsets", "g", "--topic", TOPIC + ":one", "--to-earliest"), 2, "error: --topic 'ledger:one'");
    assertOneErrorLine(run("group", "reset-offsets", "g", "--topic", TOPIC, "--to-offset", "-3"), 2, "error: --to-offset must be >= 0");
    assertOneErrorLine(run("group", "reset-offsets", "g", "--topic", "nope", "--to-earliest"), 1, "error: UNKNOWN_TOPIC");
    assertOneErrorLine(run("group", "reset-offsets", "g", "--topic", TOPIC + ":7", "--to-earliest"), 1, "error: UNKNOWN_PARTITION");
    assertOneErrorLine(run("group", "reset-offsets", "", "--topic", TOPIC, "--to-earliest"), 1, "error: INVALID_REQUEST");
  }

  @Test
  void times_without_a_zone_are_read_in_the_given_zone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    assertEquals(T0, GroupResetOffsetsCommand.parseTime("2026-11-27T08:00:00Z", paris));
    assertEquals(T0, GroupResetOffsetsCommand.parseTime("2026-11-27T09:00:00", paris));
    assertEquals(Instant.parse("2026-11-26T23:00:00Z"), GroupResetOffsetsCommand.parseTime("2026-11-27", paris));
  }
}
