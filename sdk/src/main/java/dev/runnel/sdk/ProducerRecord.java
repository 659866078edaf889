package dev.runnel.sdk;

import java.util.List;

/**
 * A record to send. {@code partition} null lets the producer choose (by key, else round-robin);
 * {@code timestampMs} 0 means "now"; key and value may be null.
 */
public record ProducerRecord(
    String topic,
    Integer partition,
    byte[] key,
    byte[] value,
    List<RecordHeader> headers,
    long timestampMs) {
  public ProducerRecord {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic must be non-empty");
    }
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
    if (timestampMs < 0) {
      throw new IllegalArgumentException("timestampMs must be >= 0, got " + timestampMs);
    }
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  public static ProducerRecord of(String topic, byte[] key, byte[] value) {
    return new ProducerRecord(topic, null, key, value, List.of(), 0L);
  }
}
