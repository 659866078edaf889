package dev.runnel.node.group;

import dev.runnel.node.RunnelError;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.SortedSet;
import java.util.TreeSet;

/** A member's end of the stream, for coordinator tests: records what the coordinator sent. */
final class FakeMember implements MemberSink {
  record Received(long generation, SortedSet<TopicPartition> partitions) {}

  String memberId;
  int heartbeatIntervalMs;
  final Deque<Received> inbox = new ArrayDeque<>();
  /** The assignment the member works on (applied, committed and acknowledged). */
  SortedSet<TopicPartition> applied = Collections.emptySortedSet();
  long appliedGeneration;
  int assignmentsReceived;
  boolean closed;
  RunnelError closedWith;

  @Override
  public void joined(String memberId, int heartbeatIntervalMs, int sessionTimeoutMs, int rebalanceTimeoutMs) {
    this.memberId = memberId;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
  }

  @Override
  public void assignment(long generation, SortedSet<TopicPartition> partitions) {
    if (closed) {
      throw new AssertionError("assignment sent on a closed stream");
    }
    assignmentsReceived++;
    inbox.add(new Received(generation, new TreeSet<>(partitions)));
  }

  @Override
  public void close(RunnelError error) {
    closed = true;
    closedWith = error;
  }

  /** Applies the oldest pending assignment and acknowledges it; false if none is pending. */
  boolean applyNext(GroupCoordinator coordinator, String group, long nowMs) {
    Received next = inbox.poll();
    if (next == null || closed) {
      return false;
    }
    applied = next.partitions();
    appliedGeneration = next.generation();
    coordinator.ack(group, memberId, next.generation(), nowMs);
    return true;
  }
}
