package dev.runnel.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PartitioningTest {
  // Published test vectors of Kafka's Utils.murmur2 (UtilsTest): matching them means a key lands
  // in the same partition as with Kafka's default partitioner.
  @Test
  void murmur2MatchesKnownVectors() {
    assertEquals(-973932308, hash("21"));
    assertEquals(-790332482, hash("foobar"));
    assertEquals(-985981536, hash("a-little-bit-long-string"));
    assertEquals(-1486304829, hash("a-little-bit-longer-string"));
    assertEquals(-58897971, hash("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"));
    assertEquals(479470107, hash("abc"));
    assertEquals(275646681, hash(""));
  }

  @Test
  void partitionIsStableAndInRange() {
    byte[] key = "card-42".getBytes(StandardCharsets.UTF_8);
    int p = Partitioning.partitionForKey(key, 6);
    assertTrue(p >= 0 && p < 6);
    assertEquals(p, Partitioning.partitionForKey(key.clone(), 6));
    assertThrows(IllegalArgumentException.class, () -> Partitioning.partitionForKey(key, 0));
  }

  private static int hash(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Partitioning.murmur2(b, 0, b.length);
  }
}
