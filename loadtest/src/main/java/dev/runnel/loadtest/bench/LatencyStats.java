package dev.runnel.loadtest.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency samples in microseconds (HdrHistogram, 3 significant digits, auto-resizing so a stall
 * of minutes is kept, not rejected). Thread-safe: acks and receipts arrive on client threads.
 */
public final class LatencyStats {
  private static final int SIGNIFICANT_DIGITS = 3;

  private final Histogram histogramUs = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

  public void recordNs(long latencyNs) {
    histogramUs.recordValue(Math.max(0, latencyNs / 1_000));
  }

  public long count() {
    return histogramUs.getTotalCount();
  }

  public Summary summary() {
    if (histogramUs.getTotalCount() == 0) {
      return new Summary(0, 0, 0, 0, 0, 0);
    }
    return new Summary(
        histogramUs.getTotalCount(),
        ms(histogramUs.getValueAtPercentile(50)),
        ms(histogramUs.getValueAtPercentile(90)),
        ms(histogramUs.getValueAtPercentile(99)),
        ms(histogramUs.getValueAtPercentile(99.9)),
        ms(histogramUs.getMaxValue()));
  }

  private static double ms(long us) {
    return us / 1_000.0;
  }

  /** Percentiles in milliseconds over {@code count} samples. */
  public record Summary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs) {}
}
