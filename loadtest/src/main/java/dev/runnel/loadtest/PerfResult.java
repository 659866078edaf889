package dev.runnel.loadtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The outcome of one perf run, printed for people and optionally written as JSON for scripts.
 *
 * @param kind "produce" or "consume"
 * @param records records acknowledged (produce) or read (consume)
 * @param failed sends that failed (always 0 for consume)
 * @param bytes payload bytes of {@code records}
 */
record PerfResult(
    String kind,
    String topic,
    long records,
    long failed,
    long bytes,
    long elapsedNs,
    LatencyRecorder.LatencySummary latency) {
  private static final double BYTES_PER_MB = 1_000_000.0;

  double recordsPerSec() {
    return elapsedNs <= 0 ? 0 : records * 1e9 / elapsedNs;
  }

  double mbPerSec() {
    return elapsedNs <= 0 ? 0 : bytes / BYTES_PER_MB * 1e9 / elapsedNs;
  }

  void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%s %s: %d records, %d failed, %.2f s, %.1f records/s, %.2f MB/s%n",
        kind,
        topic,
        records,
        failed,
        elapsedNs / 1e9,
        recordsPerSec(),
        mbPerSec());
    out.printf(
        Locale.ROOT,
        "latency ms: p50 %.3f, p99 %.3f, p99.9 %.3f, max %.3f%n",
        latency.p50Ms(),
        latency.p99Ms(),
        latency.p999Ms(),
        latency.maxMs());
    out.flush();
  }

  /** Topic names are limited to [a-zA-Z0-9._-] by the node, so no JSON escaping is needed. */
  String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"kind\":\"%s\",\"topic\":\"%s\",\"records\":%d,\"failed\":%d,\"bytes\":%d,"
            + "\"elapsedMs\":%.3f,\"recordsPerSec\":%.3f,\"mbPerSec\":%.3f,"
            + "\"latencyMs\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}}%n",
        kind,
        topic,
        records,
        failed,
        bytes,
        elapsedNs / 1e6,
        recordsPerSec(),
        mbPerSec(),
        latency.p50Ms(),
        latency.p99Ms(),
        latency.p999Ms(),
        latency.maxMs());
  }

  void writeJson(Path file) throws IOException {
    Files.writeString(file, toJson());
  }
}
