package dev.runnel.loadtest.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the TSV lines of many runs ({@link RunReport#TSV_HEADER}) into one Markdown table: per
 * workload and system label, the median of each measure over the runs, and for every non-Runnel
 * row the ratio Runnel ÷ that row (throughput: above 1 means Runnel is faster; latency: below 1
 * means Runnel is faster). When a workload ran on several Runnel configurations (e.g. fsync per
 * commit and in the background), each non-Runnel row gets one ratio per Runnel row, separated by
 * " / ", in the order the Runnel rows appear. Each workload is judged on its main phase: e2e, else consume, else
 * produce. Pure: text in, text out.
 */
public final class CompareTable {
  private static final List<String> PHASE_PRIORITY = List.of("e2e", "consume", "produce");

  private CompareTable() {}

  /** One system label's runs of one workload's main phase. */
  private static final class Row {
    final String workload;
    final String system;
    final String label;
    final String phase;
    final List<double[]> runs = new ArrayList<>(); // records/s, MB/s, p50, p99, p99.9
    int failedRuns;

    Row(String workload, String system, String label, String phase) {
      this.workload = workload;
      this.system = system;
      this.label = label;
      this.phase = phase;
    }

    double median(int column) {
      double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
      if (values.length == 0) {
        return Double.NaN;
      }
      int mid = values.length / 2;
      return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
  }

  public static String render(List<String> tsvLines) {
    Map<String, String> mainPhase = new LinkedHashMap<>();
    List<String[]> rows = new ArrayList<>();
    for (String line : tsvLines) {
      String[] f = line.split("\t", -1);
      if (line.isBlank() || f[0].equals("workload")) {
        continue;
      }
      if (f.length != RunReport.TSV_HEADER.split("\t").length) {
        throw new WorkloadException("not a perf TSV line (expected the columns of " + RunReport.TSV_HEADER.replace('\t', ' ')
            + "): " + line);
      }
      rows.add(f);
      mainPhase.merge(f[0], f[3], (a, b) -> rank(b) < rank(a) ? b : a);
    }
    Map<String, Row> byKey = new LinkedHashMap<>();
    for (String[] f : rows) {
      if (!f[3].equals(mainPhase.get(f[0]))) {
        continue;
      }
      Row row = byKey.computeIfAbsent(f[0] + "\t" + f[2], k -> new Row(f[0], f[1], f[2], f[3]));
      if (!f[5].equals("0") || !f[6].equals("0")) {
        row.failedRuns++;
      }
      row.runs.add(new double[] {num(f[7]), num(f[8]), num(f[9]), num(f[11]), num(f[12])});
    }
    StringBuilder out = new StringBuilder();
    out.append("| workload | phase | system | runs | records/s | MB/s | p50 ms | p99 ms | p99.9 ms | Runnel ÷ this: MB/s | Runnel ÷ this: p99 |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row row : byKey.values()) {
      List<Row> runnels = byKey.values().stream()
          .filter(r -> r.workload.equals(row.workload) && r.system.equals("runnel"))
          .toList();
      boolean latency = !row.phase.equals("consume") && !(row.median(2) == 0 && row.median(3) == 0);
      boolean compared = !row.system.equals("runnel") && !runnels.isEmpty();
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d%s | %,.0f | %.2f | %s | %s | %s | %s | %s |%n",
          row.workload, row.phase, row.label, row.runs.size(),
          row.failedRuns > 0 ? " (" + row.failedRuns + " with errors)" : "",
          row.median(0), row.median(1),
          latency ? ms(row.median(2)) : "–", latency ? ms(row.median(3)) : "–", latency ? ms(row.median(4)) : "–",
          compared ? ratios(runnels, row, 1) : "",
          compared && latency ? ratios(runnels, row, 3) : ""));
    }
    return out.toString();
  }

  private static String ratios(List<Row> runnels, Row other, int column) {
    return String.join(" / ", runnels.stream().map(r -> ratio(r.median(column), other.median(column))).toList());
  }

  private static int rank(String phase) {
    int index = PHASE_PRIORITY.indexOf(phase);
    return index < 0 ? PHASE_PRIORITY.size() : index;
  }

  private static double num(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new WorkloadException("not a number in a perf TSV line: '" + text + "'");
    }
  }

  private static String ms(double value) {
    return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String ratio(double runnel, double other) {
    return other > 0 && Double.isFinite(runnel) ? String.format(Locale.ROOT, "%.2f×", runnel / other) : "n/a";
  }
}
