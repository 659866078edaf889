package dev.runnel.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The group benchmark harness, small: it runs, rebalances, commits and reports. */
class GroupPerfTest {
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
  void a_small_group_run_reports_rebalance_times_and_commit_rates(@TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("group.json");
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new GroupPerf()).setOut(new PrintWriter(out, true));
    int exit =
        cmd.execute("--bootstrap", node.bootstrap(), "--topic", "perf-groups", "--members", "3", "--partitions", "6",
            "--rounds", "2", "--commit-seconds", "1", "--timeout-s", "30", "--json", json.toString());
    assertEquals(0, exit, out.toString());
    String text = out.toString();
    assertTrue(text.startsWith("group rebalance, 3 members over 6 partitions, 2 rounds:"), text);
    assertTrue(positive(text, "commits, 1 member: (\\d+) commits/s"), text);
    assertTrue(positive(text, "commits, 2 members at once: (\\d+) commits/s"), text);
    String summary = Files.readString(json);
    assertTrue(summary.contains("\"kind\":\"group\""), summary);
    assertTrue(summary.contains("\"members\":3,\"partitions\":6,\"rounds\":2"), summary);
  }

  private static boolean positive(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() && Long.parseLong(m.group(1)) > 0;
  }
}
