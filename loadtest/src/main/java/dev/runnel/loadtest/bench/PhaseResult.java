package dev.runnel.loadtest.bench;

/**
 * What one phase of a run measured.
 *
 * @param phase "produce", "fill" (the backlog of a consume workload), "consume" or "e2e"
 * @param records records counted in the measured window (acked for produce, read for consume/e2e)
 * @param failed sends that failed
 * @param missing e2e/consume: records acknowledged but never read within the run's bounds
 * @param bytes value bytes of {@code records}
 * @param elapsedNs length of the measured window
 * @param latencyKind what the latency means: "send-to-ack", "send-to-receive" or "none"
 * @param coCorrected latency counted from intended send times of a fixed-rate schedule
 */
public record PhaseResult(
    String phase,
    long records,
    long failed,
    long missing,
    long bytes,
    long elapsedNs,
    String latencyKind,
    boolean coCorrected,
    LatencyStats.Summary latency) {
  private static final double BYTES_PER_MB = 1_000_000.0;

  public double recordsPerSec() {
    return elapsedNs <= 0 ? 0 : records * 1e9 / elapsedNs;
  }

  /** Megabytes (10^6 bytes) of values per second. */
  public double mbPerSec() {
    return elapsedNs <= 0 ? 0 : bytes / BYTES_PER_MB * 1e9 / elapsedNs;
  }

  public boolean ok() {
    return failed == 0 && missing == 0;
  }
}
