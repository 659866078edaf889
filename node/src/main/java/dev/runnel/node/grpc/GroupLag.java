package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.PartitionDirectory;
import dev.runnel.node.group.TopicPartition;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.ListOffsetsRequest;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.PartitionOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * End offsets (high watermarks) of a group's partitions, for lag: read from the local replica
 * where this node has one, else asked of the partition's preferred leader, one ListOffsets per
 * (node, topic). A partition that cannot be read in time is left out (its lag shows as unknown).
 */
final class GroupLag {
  private static final long ASK_TIMEOUT_MS = 5_000;

  private final NodeContext node;

  GroupLag(NodeContext node) {
    this.node = node;
  }

  CompletableFuture<Map<TopicPartition, Long>> endOffsets(Set<TopicPartition> partitions) {
    Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
    Map<Integer, Map<String, List<Integer>>> remote = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionDirectory.Route route;
      try {
        route = node.directory().route(tp.topic(), tp.partition());
      } catch (RuntimeException e) {
        continue; // deleted topic, or a replica not open yet: unknown
      }
      if (route.local() != null) {
        ends.put(tp, route.local().log().nextOffset());
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
                                ListOffsetsRequest.newBuilder()
                                    .setTopic(topic)
                                    .addAllPartitions(ps)
                                    .setSpec(OffsetSpec.OFFSET_SPEC_LATEST)
                                    .build(),
                                nodeId,
                                ASK_TIMEOUT_MS)
                            .thenAccept(
                                answer -> {
                                  for (PartitionOffset po : answer.getOffsetsList()) {
                                    ends.put(new TopicPartition(topic, po.getPartition()), po.getOffset());
                                  }
                                })
                            .exceptionally(failure -> null))));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> Map.copyOf(ends));
  }
}
