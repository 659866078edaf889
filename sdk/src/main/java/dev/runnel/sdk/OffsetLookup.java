package dev.runnel.sdk;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.FetchOffsetsRequest;
import dev.runnel.proto.v1.FetchOffsetsResponse;
import dev.runnel.proto.v1.ListOffsetsRequest;
import dev.runnel.proto.v1.ListOffsetsResponse;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.OffsetsGrpc;
import dev.runnel.proto.v1.PartitionOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Blocking look-ups of offsets: by earliest/latest/timestamp ({@code Admin.ListOffsets}) and the
 * offsets a group committed ({@code Offsets}). Asked of the bootstrap node, which answers for the
 * whole cluster.
 */
final class OffsetLookup {
  private final ChannelPool channels;
  private final String bootstrapAddress;
  private final long requestTimeoutMs;
  private final RetryBackoff backoff;

  OffsetLookup(ChannelPool channels, String bootstrapAddress, long requestTimeoutMs, RetryBackoff backoff) {
    this.channels = channels;
    this.bootstrapAddress = bootstrapAddress;
    this.requestTimeoutMs = requestTimeoutMs;
    this.backoff = backoff;
  }

  /** Partition -> offset for {@code partitions} of {@code topic} (all partitions when empty). */
  Map<Integer, Long> listOffsets(String topic, Collection<Integer> partitions, OffsetSpec spec) {
    return listOffsets(
        ListOffsetsRequest.newBuilder().setTopic(topic).addAllPartitions(partitions).setSpec(spec).build());
  }

  Map<Integer, Long> listOffsetsForTimestamp(String topic, long timestampMs) {
    return listOffsets(ListOffsetsRequest.newBuilder().setTopic(topic).setTimestampMs(timestampMs).build());
  }

  private Map<Integer, Long> listOffsets(ListOffsetsRequest request) {
    ListOffsetsResponse response = backoff.call(() -> admin().listOffsets(request));
    Map<Integer, Long> offsets = new HashMap<>();
    for (PartitionOffset po : response.getOffsetsList()) {
      offsets.put(po.getPartition(), po.getOffset());
    }
    return offsets;
  }

  /** The committed offsets of {@code group}; partitions without a commit are left out. */
  Map<TopicPartition, Long> committed(String group, Collection<TopicPartition> partitions) {
    FetchOffsetsRequest.Builder request = FetchOffsetsRequest.newBuilder().setGroup(group);
    for (TopicPartition tp : partitions) {
      request.addPartitions(
          dev.runnel.proto.v1.TopicPartition.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()));
    }
    FetchOffsetsResponse response = backoff.call(() -> offsets().fetchOffsets(request.build()));
    Map<TopicPartition, Long> committed = new HashMap<>();
    for (CommittedOffset co : response.getOffsetsList()) {
      committed.put(new TopicPartition(co.getTopic(), co.getPartition()), co.getOffset());
    }
    return committed;
  }

  void commit(String group, Map<TopicPartition, Long> offsets) {
    commit(group, "", 0, offsets);
  }

  /** A group member's commit, fenced by the coordinator with {@code memberId} and generation. */
  void commit(String group, String memberId, long generation, Map<TopicPartition, Long> offsets) {
    CommitOffsetsRequest.Builder request =
        CommitOffsetsRequest.newBuilder().setGroup(group).setMemberId(memberId).setGeneration(generation);
    offsets.forEach(
        (tp, offset) ->
            request.addOffsets(
                CommittedOffset.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()).setOffset(offset)));
    backoff.call(() -> offsets().commitOffsets(request.build()));
  }

  private AdminGrpc.AdminBlockingStub admin() {
    return AdminGrpc.newBlockingStub(channels.channel(bootstrapAddress))
        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private OffsetsGrpc.OffsetsBlockingStub offsets() {
    return OffsetsGrpc.newBlockingStub(channels.channel(bootstrapAddress))
        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS);
  }
}
