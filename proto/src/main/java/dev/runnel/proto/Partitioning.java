package dev.runnel.proto;

/**
 * The key → partition rule every Runnel client and node must agree on: {@code
 * toPositive(murmur2(key)) % partitions}, the same function Kafka's default partitioner uses, so
 * keyed data lands in the same partition whichever client wrote it.
 */
public final class Partitioning {
  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  private Partitioning() {}

  /** The partition for {@code key} in a topic of {@code partitions} partitions. */
  public static int partitionForKey(byte[] key, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0, got " + partitions);
    }
    return (murmur2(key, 0, key.length) & 0x7fffffff) % partitions;
  }

  /** MurmurHash2, 32-bit, over {@code length} bytes of {@code data} starting at {@code from}. */
  public static int murmur2(byte[] data, int from, int length) {
    int h = SEED ^ length;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int at = from + i * 4;
      int k =
          (data[at] & 0xff)
              | ((data[at + 1] & 0xff) << 8)
              | ((data[at + 2] & 0xff) << 16)
              | ((data[at + 3] & 0xff) << 24);
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    int tail = from + blocks * 4;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
      // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
      // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= M;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= M;
    h ^= h >>> 15;
    return h;
  }
}
