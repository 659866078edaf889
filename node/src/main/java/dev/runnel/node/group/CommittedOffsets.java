package dev.runnel.node.group;

import dev.runnel.proto.internal.GroupOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The latest committed offset per (group, topic, partition) of one {@code __consumer_offsets}
 * partition, as its log says: each entry remembers the log offset of the record it came from, so
 * applying records out of order (commit callbacks may race) never lets an older one win.
 * Thread-safe (the coordinator's thread writes, gRPC threads read).
 */
public final class CommittedOffsets {
  private record Entry(GroupOffset offset, long logOffset) {}

  private final Map<String, SortedMap<TopicPartition, Entry>> byGroup = new HashMap<>();
  /** Tombstones still newer than what they deleted, so a late older record stays deleted. */
  private final Map<String, Map<TopicPartition, Long>> deletedAt = new HashMap<>();

  /** Applies the record at {@code logOffset}: a commit, or a tombstone when {@code offset} is null. */
  public synchronized void apply(String group, TopicPartition tp, GroupOffset offset, long logOffset) {
    SortedMap<TopicPartition, Entry> offsets = byGroup.get(group);
    Entry current = offsets == null ? null : offsets.get(tp);
    Long deleted = deletedAt.getOrDefault(group, Map.of()).get(tp);
    long newest = Math.max(current == null ? -1 : current.logOffset(), deleted == null ? -1 : deleted);
    if (logOffset <= newest) {
      return;
    }
    if (offset == null) {
      if (offsets != null) {
        offsets.remove(tp);
        if (offsets.isEmpty()) {
          byGroup.remove(group);
        }
      }
      deletedAt.computeIfAbsent(group, g -> new HashMap<>()).put(tp, logOffset);
      return;
    }
    Map<TopicPartition, Long> tombstones = deletedAt.get(group);
    if (tombstones != null && tombstones.remove(tp) != null && tombstones.isEmpty()) {
      deletedAt.remove(group);
    }
    byGroup.computeIfAbsent(group, g -> new TreeMap<>()).put(tp, new Entry(offset, logOffset));
  }

  /** The group's committed offsets (empty if none). */
  public synchronized SortedMap<TopicPartition, GroupOffset> offsets(String group) {
    SortedMap<TopicPartition, GroupOffset> out = new TreeMap<>();
    byGroup.getOrDefault(group, new TreeMap<>()).forEach((tp, e) -> out.put(tp, e.offset()));
    return out;
  }

  /** The groups with at least one committed offset. */
  public synchronized SortedSet<String> groups() {
    return new TreeSet<>(byGroup.keySet());
  }
}
