package dev.runnel.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompareTableTest {
  private static String line(String workload, String system, String label, String phase, String mbPerSec, String p99) {
    return String.join("\t", workload, system, label, phase, "1000", "0", "0", "1000.0", mbPerSec,
        "1.000", "2.000", p99, "9.000", "10.000", "send-to-ack", "1.0 1.0 1.0");
  }

  @Test
  void medians_per_system_and_ratios_against_runnel() {
    String table =
        CompareTable.render(List.of(
            RunReport.TSV_HEADER,
            line("a", "runnel", "runnel", "produce", "30", "5"),
            line("a", "kafka", "kafka default", "produce", "60", "10"),
            line("a", "runnel", "runnel", "produce", "10", "7"),
            line("a", "kafka", "kafka default", "produce", "40", "2"),
            line("a", "runnel", "runnel", "produce", "20", "6"),
            line("a", "kafka", "kafka default", "produce", "50", "20")));
    String[] rows = table.split("\n");
    assertEquals(4, rows.length, table);
    assertEquals("| a | produce | runnel | 3 | 1,000 | 20.00 | 1.0 | 6.0 | 9.0 |  |  |", rows[2]);
    // Kafka medians: 50 MB/s, p99 10 ms; Runnel's: 20 MB/s, 6 ms.
    assertEquals("| a | produce | kafka default | 3 | 1,000 | 50.00 | 1.0 | 10.0 | 9.0 | 0.40× | 0.60× |", rows[3]);
  }

  @Test
  void one_ratio_per_runnel_configuration_in_table_order() {
    String table =
        CompareTable.render(List.of(
            line("a", "runnel", "runnel fsync per commit", "produce", "20", "8"),
            line("a", "runnel", "runnel fsync in background", "produce", "40", "4"),
            line("a", "kafka", "kafka default", "produce", "50", "5")));
    String[] rows = table.split("\n");
    assertEquals("| a | produce | runnel fsync in background | 1 | 1,000 | 40.00 | 1.0 | 4.0 | 9.0 |  |  |", rows[3]);
    assertEquals(
        "| a | produce | kafka default | 1 | 1,000 | 50.00 | 1.0 | 5.0 | 9.0 | 0.40× / 0.80× | 1.60× / 0.80× |", rows[4]);
  }

  @Test
  void each_workload_is_judged_on_its_main_phase() {
    String table =
        CompareTable.render(List.of(
            line("d", "runnel", "r", "produce", "1", "100"),
            line("d", "runnel", "r", "e2e", "1", "4"),
            line("d", "kafka", "k", "produce", "1", "100"),
            line("d", "kafka", "k", "e2e", "1", "2"),
            line("c", "kafka", "k", "fill", "9", "1"),
            line("c", "kafka", "k", "consume", "4", "0")));
    assertTrue(table.contains("| d | e2e | k | 1 | 1,000 | 1.00 | 1.0 | 2.0 | 9.0 | 1.00× | 2.00× |"), table);
    assertTrue(table.contains("| c | consume | k | 1 | 1,000 | 4.00 | – | – | – |  |  |"), table);
    assertTrue(!table.contains("| produce |") && !table.contains("| fill |"), table);
  }

  @Test
  void runs_with_errors_are_flagged_and_garbage_is_refused() {
    String failed = line("a", "kafka", "k", "produce", "1", "1").replace("\t1000\t0\t0\t", "\t1000\t5\t0\t");
    assertTrue(CompareTable.render(List.of(failed)).contains("| 1 (1 with errors) |"));
    WorkloadException e = assertThrows(WorkloadException.class, () -> CompareTable.render(List.of("a\tb")));
    assertTrue(e.getMessage().startsWith("not a perf TSV line"), e.getMessage());
  }
}
