package dev.runnel.loadtest.bench;

import dev.runnel.loadtest.JsonLikeValues;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Record values of one producer thread. Without a stamp every record shares one array (the
 * clients copy it into their batches), so the load generator itself allocates nothing per
 * record; with a stamp (e2e) each value is a copy whose first 8 bytes carry the intended send
 * time in {@link System#nanoTime} units, which the consumer in the same process subtracts.
 */
final class ValueSource {
  private final byte[][] pool;
  private final boolean stamped;
  private final SplittableRandom random;

  private ValueSource(byte[][] pool, boolean stamped, long seed) {
    this.pool = pool;
    this.stamped = stamped;
    this.random = new SplittableRandom(seed);
  }

  static ValueSource of(Workload workload, boolean stamped, long seed) {
    byte[][] pool;
    if (workload.payload() == Workload.Payload.JSON) {
      pool = JsonLikeValues.pool(workload.recordSizeBytes());
    } else {
      byte[] value = new byte[workload.recordSizeBytes()];
      // Random bytes, so compression cannot make the numbers look better than real data would.
      new SplittableRandom(42).nextBytes(value);
      pool = new byte[][] {value};
    }
    return new ValueSource(pool, stamped, seed);
  }

  byte[] next(long intendedNs) {
    byte[] base = pool[pool.length == 1 ? 0 : random.nextInt(pool.length)];
    if (!stamped) {
      return base;
    }
    byte[] value = base.clone();
    ByteBuffer.wrap(value).putLong(0, intendedNs);
    return value;
  }

  /** The send time stamped into {@code value} by {@link #next}. */
  static long stampNs(byte[] value) {
    return ByteBuffer.wrap(value).getLong(0);
  }
}
