package dev.runnel.loadtest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Record values that look like application events (JSON objects with ids, names, amounts and
 * timestamps from small vocabularies), so a compression benchmark sees realistic redundancy
 * instead of random bytes (incompressible) or one repeated value (unrealistically compressible).
 */
public final class JsonLikeValues {
  /** Distinct values per run: enough that a 256 KiB batch of 1 KiB records repeats few of them. */
  static final int POOL_SIZE = 1024;

  private static final String[] EVENTS = {"order.created", "order.paid", "order.shipped", "cart.updated", "user.login"};
  private static final String[] CITIES = {"Lisbon", "Berlin", "Osaka", "Lagos", "Lima", "Oslo", "Austin", "Pune"};
  private static final String[] WORDS = {
    "alpha", "bravo", "delta", "echo", "gadget", "widget", "sprocket", "cable", "lamp", "chair",
    "desk", "blue", "red", "large", "small", "express", "standard", "gift", "wrap", "return"
  };

  private JsonLikeValues() {}

  /** {@link #POOL_SIZE} values of exactly {@code sizeBytes} bytes each (seeded: runs compare). */
  public static byte[][] pool(int sizeBytes) {
    SplittableRandom random = new SplittableRandom(42);
    byte[][] pool = new byte[POOL_SIZE][];
    for (int i = 0; i < POOL_SIZE; i++) {
      pool[i] = fit(event(random, i), sizeBytes);
    }
    return pool;
  }

  private static String event(SplittableRandom random, int seq) {
    StringBuilder json = new StringBuilder(2048);
    json.append("{\"event\":\"").append(EVENTS[random.nextInt(EVENTS.length)]).append('"')
        .append(",\"id\":\"").append(Long.toHexString(random.nextLong())).append('"')
        .append(",\"seq\":").append(seq)
        .append(",\"ts\":").append(1_764_000_000_000L + random.nextInt(86_400_000))
        .append(",\"user\":{\"id\":").append(random.nextInt(1_000_000))
        .append(",\"city\":\"").append(CITIES[random.nextInt(CITIES.length)]).append("\"}")
        .append(",\"items\":[");
    // Enough items to pass 1 KiB; fit() cuts or pads to the exact size.
    for (int i = 0; i < 16; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"sku\":\"SKU-").append(random.nextInt(10_000))
          .append("\",\"name\":\"").append(WORDS[random.nextInt(WORDS.length)]).append(' ')
          .append(WORDS[random.nextInt(WORDS.length)])
          .append("\",\"qty\":").append(1 + random.nextInt(5))
          .append(",\"price\":").append(random.nextInt(20_000) / 100.0).append('}');
    }
    return json.append("]}").toString();
  }

  /** Cut or space-padded to exactly {@code sizeBytes} (the perf tool reports MB/s from it). */
  private static byte[] fit(String json, int sizeBytes) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(bytes, sizeBytes);
    if (bytes.length < sizeBytes) {
      Arrays.fill(out, bytes.length, sizeBytes, (byte) ' ');
    }
    return out;
  }
}
