package dev.runnel.node.group;

import dev.runnel.node.RunnelError;
import java.util.SortedSet;

/**
 * Where the coordinator's messages to one member go (its Join stream). Called only on the
 * coordinator's thread.
 */
public interface MemberSink {
  void joined(String memberId, int heartbeatIntervalMs, int sessionTimeoutMs, int rebalanceTimeoutMs);

  /** The complete set of partitions the member owns from {@code generation} on. */
  void assignment(long generation, SortedSet<TopicPartition> partitions);

  /** Ends the stream: normally when {@code error} is null, else with that error. */
  void close(RunnelError error);
}
