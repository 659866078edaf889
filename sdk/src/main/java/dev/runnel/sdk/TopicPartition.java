package dev.runnel.sdk;

/** One partition of one topic. */
public record TopicPartition(String topic, int partition) {
  public TopicPartition {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic must be non-empty");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
