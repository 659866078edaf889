package dev.runnel.node;

import dev.runnel.node.group.TopicPartition;
import dev.runnel.node.grpc.PartitionOffsets;
import dev.runnel.node.metrics.MetricFamily;
import dev.runnel.node.metrics.MetricFamily.Sample;
import dev.runnel.proto.internal.GroupOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer group series for /metrics: members per group, and committed offset and lag per group
 * and partition. Each group's series come from its coordinator only (the leader of its
 * __consumer_offsets partition), so each series has one source. Computed at scrape time; end offsets of partitions led elsewhere are asked of their
 * leaders, and a partition whose end offset does not arrive in time gets no lag sample.
 */
final class GroupMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(GroupMetrics.class);
  private static final long END_OFFSETS_WAIT_MS = 2_000;

  private final NodeContext node;
  private final PartitionOffsets offsets;
  private final int partitionsMax;
  private boolean truncationLogged;

  GroupMetrics(NodeContext node, int partitionsMax) {
    this.node = node;
    this.offsets = new PartitionOffsets(node);
    this.partitionsMax = partitionsMax;
  }

  List<MetricFamily> families() {
    List<Sample> members = new ArrayList<>();
    List<Sample> committed = new ArrayList<>();
    List<Sample> lag = new ArrayList<>();
    node.groups().membersByGroup().forEach((group, count) -> members.add(new Sample(Map.of("group", group), count)));
    collectOffsets(committed, lag);
    return List.of(
        new MetricFamily("runnel_group_members", "gauge", "Members of each consumer group (coordinator only).", members),
        new MetricFamily(
            "runnel_group_committed_offset", "gauge", "Committed offset per group and partition (coordinator only).",
            committed),
        new MetricFamily(
            "runnel_group_lag", "gauge", "End offset minus committed offset per group and partition (coordinator only).",
            lag));
  }

  private void collectOffsets(List<Sample> committedOut, List<Sample> lagOut) {
    List<Map.Entry<String, GroupOffset>> series = new ArrayList<>();
    outer:
    for (String group : node.offsets().groupsHere()) {
      java.util.Collection<GroupOffset> groupOffsets;
      try {
        groupOffsets = node.offsets().offsets(group).values();
      } catch (RunnelError e) {
        continue; // its coordination moved away since the list was taken
      }
      for (GroupOffset offset : groupOffsets) {
        if (series.size() >= partitionsMax) {
          if (!truncationLogged) {
            truncationLogged = true;
            LOG.warn("group metrics stop at group.metrics.partitions.max = {} series", partitionsMax);
          }
          break outer;
        }
        series.add(Map.entry(group, offset));
      }
    }
    TreeSet<TopicPartition> partitions = new TreeSet<>();
    series.forEach(e -> partitions.add(new TopicPartition(e.getValue().getTopic(), e.getValue().getPartition())));
    Map<TopicPartition, Long> ends = endOffsets(partitions);
    for (Map.Entry<String, GroupOffset> e : series) {
      GroupOffset offset = e.getValue();
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("group", e.getKey());
      labels.put("topic", offset.getTopic());
      labels.put("partition", Integer.toString(offset.getPartition()));
      committedOut.add(new Sample(labels, offset.getOffset()));
      Long end = ends.get(new TopicPartition(offset.getTopic(), offset.getPartition()));
      if (end != null && end >= 0) {
        lagOut.add(new Sample(labels, Math.max(0, end - offset.getOffset())));
      }
    }
  }

  private Map<TopicPartition, Long> endOffsets(TreeSet<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    try {
      return offsets.endOffsets(partitions).get(END_OFFSETS_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }
}
