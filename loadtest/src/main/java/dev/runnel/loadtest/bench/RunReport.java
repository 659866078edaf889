package dev.runnel.loadtest.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The outcome of one run of one workload against one system: printed for people, written as JSON
 * for scripts ({@code --json}), and appended as tab-separated lines ({@code --tsv}) that
 * loadtest/compare-kafka.sh turns into its comparison table.
 *
 * @param label free text describing the system's setup (e.g. "kafka flush.messages=1")
 * @param loadBefore machine load average when the run started; {@code loadAfter} when it ended
 * @param errors what went wrong (failed sends, unread records); empty for a clean run
 */
public record RunReport(
    Workload workload,
    String system,
    String label,
    String topic,
    String runId,
    String loadBefore,
    String loadAfter,
    List<PhaseResult> phases,
    List<String> errors) {

  /** Column names of {@link #tsvLines()}. */
  public static final String TSV_HEADER =
      "workload\tsystem\tlabel\tphase\trecords\tfailed\tmissing\trecords_per_s\tmb_per_s\t"
          + "p50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\tlatency\tload";

  public boolean ok() {
    return errors.isEmpty() && phases.stream().allMatch(PhaseResult::ok);
  }

  public void print(PrintWriter out) {
    out.printf("%s on %s (%s), topic %s, load %s -> %s%n", workload.name(), system, label, topic, loadBefore, loadAfter);
    for (PhaseResult p : phases) {
      out.printf(Locale.ROOT, "  %-8s %,d records, %d failed, %d missing, %.2f s: %,.1f records/s, %.2f MB/s%n",
          p.phase(), p.records(), p.failed(), p.missing(), p.elapsedNs() / 1e9, p.recordsPerSec(), p.mbPerSec());
      if (!p.latencyKind().equals("none")) {
        LatencyStats.Summary l = p.latency();
        out.printf(Locale.ROOT, "  %-8s %s latency ms%s: p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f%n",
            "", p.latencyKind(), p.coCorrected() ? " (from intended send times)" : "",
            l.p50Ms(), l.p90Ms(), l.p99Ms(), l.p999Ms(), l.maxMs());
      }
    }
    for (String error : errors) {
      out.println("  error: " + error);
    }
    out.flush();
  }

  public String toJson() {
    StringJoiner phaseJson = new StringJoiner(",", "[", "]");
    for (PhaseResult p : phases) {
      LatencyStats.Summary l = p.latency();
      phaseJson.add("{\"phase\":" + Json.string(p.phase())
          + ",\"records\":" + p.records()
          + ",\"failed\":" + p.failed()
          + ",\"missing\":" + p.missing()
          + ",\"bytes\":" + p.bytes()
          + ",\"elapsedMs\":" + Json.number(p.elapsedNs() / 1e6)
          + ",\"recordsPerSec\":" + Json.number(p.recordsPerSec())
          + ",\"mbPerSec\":" + Json.number(p.mbPerSec())
          + ",\"latency\":{\"kind\":" + Json.string(p.latencyKind())
          + ",\"coCorrected\":" + p.coCorrected()
          + ",\"count\":" + l.count()
          + ",\"p50Ms\":" + Json.number(l.p50Ms())
          + ",\"p90Ms\":" + Json.number(l.p90Ms())
          + ",\"p99Ms\":" + Json.number(l.p99Ms())
          + ",\"p999Ms\":" + Json.number(l.p999Ms())
          + ",\"maxMs\":" + Json.number(l.maxMs()) + "}}");
    }
    StringJoiner errorJson = new StringJoiner(",", "[", "]");
    errors.forEach(e -> errorJson.add(Json.string(e)));
    Workload w = workload;
    return "{\"workload\":" + Json.string(w.name())
        + ",\"system\":" + Json.string(system)
        + ",\"label\":" + Json.string(label)
        + ",\"topic\":" + Json.string(topic)
        + ",\"runId\":" + Json.string(runId)
        + ",\"ok\":" + ok()
        + ",\"loadAverageBefore\":" + Json.string(loadBefore)
        + ",\"loadAverageAfter\":" + Json.string(loadAfter)
        + ",\"settings\":{\"mode\":" + Json.string(WorkloadParser.lower(w.mode()))
        + ",\"partitions\":" + w.partitions()
        + ",\"replicationFactor\":" + w.replicationFactor()
        + ",\"recordSizeBytes\":" + w.recordSizeBytes()
        + ",\"records\":" + w.recordsMax()
        + ",\"durationS\":" + w.durationS()
        + ",\"warmupS\":" + w.warmupS()
        + ",\"producers\":" + w.producers()
        + ",\"consumers\":" + w.consumers()
        + ",\"rateRecordsPerSec\":" + w.rateRecordsPerSec()
        + ",\"keyDistribution\":" + Json.string(WorkloadParser.lower(w.keyDistribution()))
        + ",\"keyCount\":" + w.keyCount()
        + ",\"acks\":" + Json.string(WorkloadParser.lower(w.acks()))
        + ",\"compression\":" + Json.string(WorkloadParser.lower(w.compression()))
        + ",\"payload\":" + Json.string(WorkloadParser.lower(w.payload()))
        + ",\"lingerMs\":" + w.lingerMs()
        + ",\"batchSizeBytes\":" + w.batchSizeBytes() + "}"
        + ",\"phases\":" + phaseJson
        + ",\"errors\":" + errorJson + "}\n";
  }

  /** One line per phase, columns as {@link #TSV_HEADER}; tabs in labels become spaces. */
  public List<String> tsvLines() {
    return phases.stream()
        .map(p -> String.join("\t",
            clean(workload.name()), clean(system), clean(label), p.phase(),
            Long.toString(p.records()), Long.toString(p.failed()), Long.toString(p.missing()),
            String.format(Locale.ROOT, "%.1f", p.recordsPerSec()),
            String.format(Locale.ROOT, "%.3f", p.mbPerSec()),
            String.format(Locale.ROOT, "%.3f", p.latency().p50Ms()),
            String.format(Locale.ROOT, "%.3f", p.latency().p90Ms()),
            String.format(Locale.ROOT, "%.3f", p.latency().p99Ms()),
            String.format(Locale.ROOT, "%.3f", p.latency().p999Ms()),
            String.format(Locale.ROOT, "%.3f", p.latency().maxMs()),
            p.latencyKind(), clean(loadBefore)))
        .toList();
  }

  private static String clean(String text) {
    return text == null ? "" : text.replace('\t', ' ').replace('\n', ' ');
  }

  public void writeJson(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  /** Appends this run's lines to {@code file}, with the header first if the file is new or empty. */
  public void appendTsv(Path file) throws IOException {
    StringBuilder text = new StringBuilder();
    if (!Files.exists(file) || Files.size(file) == 0) {
      text.append(TSV_HEADER).append('\n');
    }
    tsvLines().forEach(line -> text.append(line).append('\n'));
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
