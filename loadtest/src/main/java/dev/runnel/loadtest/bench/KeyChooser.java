package dev.runnel.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks each record's key as the workload's key distribution says. Not thread-safe: one per
 * producer thread, seeded, so a run's key sequence is reproducible.
 */
public final class KeyChooser {
  private final byte[][] keys;
  private final double[] zipfCdf; // null unless ZIPF
  private final SplittableRandom random;

  private KeyChooser(byte[][] keys, double[] zipfCdf, long seed) {
    this.keys = keys;
    this.zipfCdf = zipfCdf;
    this.random = new SplittableRandom(seed);
  }

  public static KeyChooser of(Workload.KeyDistribution distribution, int keyCount, double zipfExponent, long seed) {
    if (distribution == Workload.KeyDistribution.NONE) {
      return new KeyChooser(new byte[0][], null, seed);
    }
    byte[][] keys = new byte[keyCount][];
    for (int k = 0; k < keyCount; k++) {
      keys[k] = ("key-" + k).getBytes(StandardCharsets.UTF_8);
    }
    double[] cdf = distribution == Workload.KeyDistribution.ZIPF ? zipfCdf(keyCount, zipfExponent) : null;
    return new KeyChooser(keys, cdf, seed);
  }

  /** Cumulative probabilities of ranks 0..n-1 with weight 1/(rank+1)^s; the last is exactly 1. */
  static double[] zipfCdf(int n, double exponent) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, exponent);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    cdf[n - 1] = 1.0;
    return cdf;
  }

  /** The next key's index, or -1 for no key. */
  int nextIndex() {
    if (keys.length == 0) {
      return -1;
    }
    if (zipfCdf == null) {
      return random.nextInt(keys.length);
    }
    int found = Arrays.binarySearch(zipfCdf, random.nextDouble());
    // binarySearch answers -(insertion point) - 1 when the draw falls between two entries.
    return found >= 0 ? found : -found - 1;
  }

  /** The next key, or null for an unkeyed record. */
  public byte[] next() {
    int index = nextIndex();
    return index < 0 ? null : keys[index];
  }
}
