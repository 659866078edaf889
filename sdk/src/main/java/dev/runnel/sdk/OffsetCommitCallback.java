package dev.runnel.sdk;

import java.util.Map;

/**
 * Told how a {@link GroupConsumer#commitAsync} ended. Runs on the thread calling the consumer,
 * inside {@link GroupConsumer#poll}, {@link GroupConsumer#commitSync} or {@link
 * GroupConsumer#close}, in the order the commits were made.
 */
@FunctionalInterface
public interface OffsetCommitCallback {
  /**
   * @param offsets the offsets the commit carried (next offset to read per partition)
   * @param error null when the commit landed; else why not (e.g. FENCED_MEMBER when a partition
   *     moved to another member meanwhile)
   */
  void onComplete(Map<TopicPartition, Long> offsets, RunnelException error);
}
