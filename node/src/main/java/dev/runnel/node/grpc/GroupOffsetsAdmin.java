package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.RunnelError;
import dev.runnel.node.group.GroupErrors;
import dev.runnel.node.group.OffsetResetPlan;
import dev.runnel.node.group.TopicPartition;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.v1.DeleteGroupRequest;
import dev.runnel.proto.v1.DeleteGroupResponse;
import dev.runnel.proto.v1.OffsetReset;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.ResetOffsetsRequest;
import dev.runnel.proto.v1.ResetOffsetsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * ResetOffsets and DeleteGroup on the coordinator: administrative changes of the committed offsets
 * of a group without members. The group is reserved on the coordinator's thread for the whole
 * change (members cannot join meanwhile), then the change is appended to __consumer_offsets like
 * any commit (a deletion as tombstones).
 */
final class GroupOffsetsAdmin {
  private final NodeContext node;
  private final PartitionOffsets offsets;

  GroupOffsetsAdmin(NodeContext node, PartitionOffsets offsets) {
    this.node = node;
    this.offsets = offsets;
  }

  /** Checks what can be checked anywhere, before the request goes to the coordinator. */
  void validate(ResetOffsetsRequest request) {
    GroupErrors.checkGroupId(request.getGroup());
    partitions(request, node.directory().topic(request.getTopic()));
    switch (request.getTargetCase()) {
      case SPEC -> {
        if (request.getSpec() != OffsetSpec.OFFSET_SPEC_EARLIEST && request.getSpec() != OffsetSpec.OFFSET_SPEC_LATEST) {
          throw RunnelError.invalidRequest("spec must be OFFSET_SPEC_EARLIEST or OFFSET_SPEC_LATEST");
        }
      }
      case OFFSET -> {
        if (request.getOffset() < 0) {
          throw RunnelError.invalidRequest("offset must be >= 0, got " + request.getOffset());
        }
      }
      case TIMESTAMP_MS -> {
        if (request.getTimestampMs() < 0) {
          throw RunnelError.invalidRequest("timestamp_ms must be >= 0, got " + request.getTimestampMs());
        }
      }
      default -> throw RunnelError.invalidRequest("say where to reset to: spec, offset or timestamp_ms");
    }
  }

  CompletableFuture<ResetOffsetsResponse> reset(ResetOffsetsRequest request) {
    validate(request);
    String group = request.getGroup();
    return reserved(group, "reset the offsets", () -> plan(request).thenCompose(resets -> apply(request, resets)));
  }

  CompletableFuture<DeleteGroupResponse> delete(DeleteGroupRequest request) {
    GroupErrors.checkGroupId(request.getGroup());
    String group = request.getGroup();
    return reserved(
        group,
        "delete the offsets",
        () -> {
          Map<TopicPartition, GroupOffset> tombstones = new LinkedHashMap<>();
          node.offsets().offsets(group).keySet().forEach(tp -> tombstones.put(tp, null));
          if (tombstones.isEmpty()) {
            throw GroupErrors.unknownGroup(group);
          }
          return node.offsets()
              .append(group, tombstones)
              .thenApply(done -> DeleteGroupResponse.newBuilder().setDeletedOffsets(tombstones.size()).build());
        });
  }

  /** Runs {@code work} while the group is reserved on the coordinator (see reserveEmpty). */
  private <T> CompletableFuture<T> reserved(String group, String action, Supplier<CompletableFuture<T>> work) {
    return node.groups()
        .call(
            group,
            coordinator -> {
              coordinator.reserveEmpty(group, action);
              return null;
            })
        .thenCompose(
            isReserved -> {
              CompletableFuture<T> result;
              try {
                result = work.get();
              } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
              }
              return result.whenComplete(
                  (value, failure) ->
                      node.groups()
                          .execute(
                              null,
                              coordinator -> coordinator.release(group),
                              // Not the coordinator any more: it dropped its reservations then.
                              (coordinator, e) -> coordinator.release(group)));
            });
  }

  private CompletableFuture<List<OffsetReset>> plan(ResetOffsetsRequest request) {
    String topic = request.getTopic();
    SortedSet<TopicPartition> partitions = new TreeSet<>();
    partitions(request, node.directory().topic(topic)).forEach(p -> partitions.add(new TopicPartition(topic, p)));
    CompletableFuture<Map<TopicPartition, Long>> starts = offsets.read(partitions, PartitionOffsets.Query.EARLIEST);
    CompletableFuture<Map<TopicPartition, Long>> ends = offsets.read(partitions, PartitionOffsets.Query.LATEST);
    CompletableFuture<Map<TopicPartition, Long>> atTime =
        request.getTargetCase() == ResetOffsetsRequest.TargetCase.TIMESTAMP_MS
            ? offsets.read(partitions, PartitionOffsets.Query.atTime(request.getTimestampMs()))
            : CompletableFuture.completedFuture(Map.of());
    OffsetResetPlan.Mode mode = mode(request);
    return CompletableFuture.allOf(starts, ends, atTime)
        .thenApply(
            done -> {
              Map<TopicPartition, GroupOffset> committed = node.offsets().offsets(request.getGroup());
              List<OffsetReset> out = new ArrayList<>();
              List<TopicPartition> unreadable = new ArrayList<>();
              for (TopicPartition tp : partitions) {
                Long start = starts.join().get(tp);
                Long end = ends.join().get(tp);
                Long timestampOffset = mode == OffsetResetPlan.Mode.TIMESTAMP ? atTime.join().get(tp) : Long.valueOf(-1);
                if (start == null || end == null || timestampOffset == null) {
                  unreadable.add(tp);
                  continue;
                }
                GroupOffset previous = committed.get(tp);
                out.add(
                    OffsetReset.newBuilder()
                        .setTopic(tp.topic())
                        .setPartition(tp.partition())
                        .setPreviousOffset(previous == null ? -1 : previous.getOffset())
                        .setNewOffset(OffsetResetPlan.newOffset(mode, request.getOffset(), start, end, timestampOffset))
                        .build());
              }
              if (!unreadable.isEmpty()) {
                throw RunnelError.unavailable(
                    "could not read the offsets of " + unreadable + " (no leader answered in time); nothing was reset");
              }
              return out;
            });
  }

  private CompletableFuture<ResetOffsetsResponse> apply(ResetOffsetsRequest request, List<OffsetReset> resets) {
    ResetOffsetsResponse.Builder response = ResetOffsetsResponse.newBuilder().addAllResets(resets);
    if (request.getDryRun()) {
      return CompletableFuture.completedFuture(response.setApplied(false).build());
    }
    Map<TopicPartition, GroupOffset> commit = new LinkedHashMap<>();
    for (OffsetReset r : resets) {
      commit.put(
          new TopicPartition(r.getTopic(), r.getPartition()),
          GroupOffset.newBuilder().setTopic(r.getTopic()).setPartition(r.getPartition()).setOffset(r.getNewOffset()).build());
    }
    return node.offsets().append(request.getGroup(), commit).thenApply(done -> response.setApplied(true).build());
  }

  private static OffsetResetPlan.Mode mode(ResetOffsetsRequest request) {
    return switch (request.getTargetCase()) {
      case SPEC -> request.getSpec() == OffsetSpec.OFFSET_SPEC_EARLIEST
          ? OffsetResetPlan.Mode.EARLIEST
          : OffsetResetPlan.Mode.LATEST;
      case OFFSET -> OffsetResetPlan.Mode.OFFSET;
      case TIMESTAMP_MS -> OffsetResetPlan.Mode.TIMESTAMP;
      default -> throw new IllegalStateException("validated before: " + request.getTargetCase());
    };
  }

  /** The partitions asked for (all when none), checked against the topic. */
  private static List<Integer> partitions(ResetOffsetsRequest request, TopicRecord topic) {
    List<Integer> out = new ArrayList<>();
    if (request.getPartitionsCount() == 0) {
      for (int p = 0; p < topic.getPartitions(); p++) {
        out.add(p);
      }
      return out;
    }
    for (int p : request.getPartitionsList()) {
      if (p < 0 || p >= topic.getPartitions()) {
        throw new RunnelError(
            dev.runnel.proto.v1.ErrorReason.UNKNOWN_PARTITION,
            io.grpc.Status.Code.NOT_FOUND,
            "topic '" + topic.getName() + "' has no partition " + p + " (it has " + topic.getPartitions() + ")");
      }
      if (out.contains(p)) {
        throw RunnelError.invalidRequest("partition " + p + " is listed twice");
      }
      out.add(p);
    }
    return out;
  }
}
