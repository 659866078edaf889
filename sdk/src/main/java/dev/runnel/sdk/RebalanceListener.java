package dev.runnel.sdk;

import java.util.Collection;

/**
 * Told, on the thread calling {@link GroupConsumer#poll}, when the group coordinator gives the
 * consumer partitions or takes them away. Revocations are cooperative: only the partitions that
 * move are revoked, and the consumer keeps reading the others.
 */
public interface RebalanceListener {
  /** New partitions; reading starts at the group's committed offset (or the reset policy). */
  void onPartitionsAssigned(Collection<TopicPartition> partitions);

  /**
   * Partitions that go to another member. Called before the consumer acknowledges the
   * revocation, so the partitions may still be committed here (with auto-commit on, their
   * positions were committed just before).
   */
  void onPartitionsRevoked(Collection<TopicPartition> partitions);

  /**
   * Partitions the consumer lost without a revocation (it was removed from the group, or the
   * coordinator moved): they may already belong to someone else, so committing them would fail.
   */
  default void onPartitionsLost(Collection<TopicPartition> partitions) {
    onPartitionsRevoked(partitions);
  }

  RebalanceListener NONE =
      new RebalanceListener() {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {}
      };
}
