package dev.runnel.loadtest;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency samples in microseconds. Thread-safe: producer acks are recorded on the SDK's sender
 * thread while the perf command reads the summary from its own.
 */
final class LatencyRecorder {
  private static final int SIGNIFICANT_DIGITS = 3;

  // Auto-resizing, so an outlier of minutes is recorded rather than rejected.
  private final Histogram histogramUs = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

  void recordNs(long latencyNs) {
    histogramUs.recordValue(Math.max(0, latencyNs / 1_000));
  }

  void recordMs(long latencyMs) {
    histogramUs.recordValue(Math.max(0, latencyMs) * 1_000);
  }

  LatencySummary summary() {
    return new LatencySummary(
        percentileMs(50),
        percentileMs(99),
        percentileMs(99.9),
        histogramUs.getTotalCount() == 0 ? 0 : histogramUs.getMaxValue() / 1_000.0);
  }

  private double percentileMs(double percentile) {
    return histogramUs.getTotalCount() == 0 ? 0 : histogramUs.getValueAtPercentile(percentile) / 1_000.0;
  }

  /** Latency percentiles in milliseconds. */
  record LatencySummary(double p50Ms, double p99Ms, double p999Ms, double maxMs) {}
}
