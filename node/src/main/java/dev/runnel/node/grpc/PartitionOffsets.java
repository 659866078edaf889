package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.PartitionDirectory;
import dev.runnel.node.group.TopicPartition;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.ListOffsetsRequest;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.PartitionOffset;
import dev.runnel.storage.PartitionLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Log start, end or time-based offsets of many partitions (group lag, offset resets, metrics):
 * read from the local replica where this node has one, else asked of the partition's preferred
 * leader, one ListOffsets per (node, topic). A partition that cannot be read in time is left out;
 * callers decide whether that means "unknown" or a failure.
 */
public final class PartitionOffsets {
  private static final long ASK_TIMEOUT_MS = 5_000;

  /** Which offset to read: a spec, or the first offset at or after a time. */
  public record Query(OffsetSpec spec, long timestampMs) {
    public static final Query EARLIEST = new Query(OffsetSpec.OFFSET_SPEC_EARLIEST, -1);
    public static final Query LATEST = new Query(OffsetSpec.OFFSET_SPEC_LATEST, -1);

    public static Query atTime(long timestampMs) {
      return new Query(OffsetSpec.OFFSET_SPEC_UNSPECIFIED, timestampMs);
    }

    long readLocal(PartitionLog log) {
      if (spec == OffsetSpec.OFFSET_SPEC_EARLIEST) {
        return log.logStartOffset();
      }
      return spec == OffsetSpec.OFFSET_SPEC_LATEST ? log.nextOffset() : log.offsetForTimestamp(timestampMs);
    }

    ListOffsetsRequest.Builder request() {
      ListOffsetsRequest.Builder b = ListOffsetsRequest.newBuilder();
      return spec == OffsetSpec.OFFSET_SPEC_UNSPECIFIED ? b.setTimestampMs(timestampMs) : b.setSpec(spec);
    }
  }

  private final NodeContext node;

  public PartitionOffsets(NodeContext node) {
    this.node = node;
  }

  /** The end offsets (high watermarks); unreadable partitions are left out. */
  public CompletableFuture<Map<TopicPartition, Long>> endOffsets(Set<TopicPartition> partitions) {
    return read(partitions, Query.LATEST);
  }

  public CompletableFuture<Map<TopicPartition, Long>> read(Set<TopicPartition> partitions, Query query) {
    Map<TopicPartition, Long> out = new ConcurrentHashMap<>();
    Map<Integer, Map<String, List<Integer>>> remote = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionDirectory.Route route;
      try {
        route = node.directory().route(tp.topic(), tp.partition());
      } catch (RuntimeException e) {
        continue; // deleted topic, or a replica not open yet: unknown
      }
      if (route.local() != null) {
        out.put(tp, query.readLocal(route.local().log()));
      } else {
        remote
            .computeIfAbsent(route.preferredLeader(), n -> new HashMap<>())
            .computeIfAbsent(tp.topic(), t -> new ArrayList<>())
            .add(tp.partition());
      }
    }
    List<CompletableFuture<Void>> asks = new ArrayList<>();
    remote.forEach(
        (nodeId, byTopic) ->
            byTopic.forEach(
                (topic, ps) ->
                    asks.add(
                        node.forwarder()
                            .ask(
                                AdminGrpc.getListOffsetsMethod(),
                                query.request().setTopic(topic).addAllPartitions(ps).build(),
                                nodeId,
                                ASK_TIMEOUT_MS)
                            .thenAccept(
                                answer -> {
                                  for (PartitionOffset po : answer.getOffsetsList()) {
                                    out.put(new TopicPartition(topic, po.getPartition()), po.getOffset());
                                  }
                                })
                            .exceptionally(failure -> null))));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> Map.copyOf(out));
  }
}
