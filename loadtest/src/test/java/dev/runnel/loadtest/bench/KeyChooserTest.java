package dev.runnel.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyChooserTest {
  private static final int DRAWS = 200_000;

  @Test
  void none_means_unkeyed() {
    KeyChooser keys = KeyChooser.of(Workload.KeyDistribution.NONE, 0, 1.0, 1);
    assertNull(keys.next());
  }

  @Test
  void uniform_draws_every_key_about_equally_often() {
    int[] counts = counts(KeyChooser.of(Workload.KeyDistribution.UNIFORM, 10, 1.0, 7), 10);
    for (int count : counts) {
      assertEquals(DRAWS / 10.0, count, DRAWS / 10.0 * 0.05, "each key ~10% of draws");
    }
  }

  @Test
  void zipf_draws_rank_k_in_proportion_to_one_over_k() {
    int[] counts = counts(KeyChooser.of(Workload.KeyDistribution.ZIPF, 100, 1.0, 7), 100);
    double harmonic100 = 0;
    for (int k = 1; k <= 100; k++) {
      harmonic100 += 1.0 / k;
    }
    // P(rank 0) = 1 / H(100) ≈ 19.3 %, P(rank 1) half of that, P(rank 9) a tenth.
    assertEquals(DRAWS / harmonic100, counts[0], DRAWS / harmonic100 * 0.05);
    assertEquals(counts[0] / 2.0, counts[1], counts[0] * 0.05);
    assertEquals(counts[0] / 10.0, counts[9], counts[0] * 0.02);
    assertTrue(counts[99] > 0, "the coldest key is still drawn");
  }

  @Test
  void zipf_cdf_ends_at_one_and_grows() {
    double[] cdf = KeyChooser.zipfCdf(5, 2.0);
    assertEquals(1.0, cdf[4]);
    for (int k = 1; k < cdf.length; k++) {
      assertTrue(cdf[k] > cdf[k - 1]);
    }
  }

  @Test
  void the_same_seed_gives_the_same_keys() {
    KeyChooser a = KeyChooser.of(Workload.KeyDistribution.ZIPF, 1000, 1.0, 42);
    KeyChooser b = KeyChooser.of(Workload.KeyDistribution.ZIPF, 1000, 1.0, 42);
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(a.next(), b.next());
    }
    byte[] key = KeyChooser.of(Workload.KeyDistribution.UNIFORM, 1, 1.0, 1).next();
    assertEquals("key-0", new String(key, StandardCharsets.UTF_8));
  }

  private static int[] counts(KeyChooser keys, int keyCount) {
    int[] counts = new int[keyCount];
    for (int i = 0; i < DRAWS; i++) {
      counts[keys.nextIndex()]++;
    }
    return counts;
  }
}
