package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.RunnelError;
import dev.runnel.node.group.GroupErrors;
import dev.runnel.node.group.TopicPartition;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommitOffsetsResponse;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.FetchOffsetsRequest;
import dev.runnel.proto.v1.FetchOffsetsResponse;
import dev.runnel.proto.v1.OffsetsGrpc;
import dev.runnel.node.group.OffsetsTopic;
import java.util.LinkedHashMap;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Committed offsets of named consumer groups, kept as records in __consumer_offsets (see {@link
 * dev.runnel.node.OffsetsStore}). Commits and fetches are served by the group's coordinator (it
 * checks fencing and holds the latest offsets) and so are forwarded to it.
 */
public final class OffsetsService extends OffsetsGrpc.OffsetsImplBase {
  private static final int METADATA_LENGTH_MAX = 4096;

  private final NodeContext node;

  public OffsetsService(NodeContext node) {
    this.node = node;
  }

  @Override
  public void commitOffsets(
      CommitOffsetsRequest request, StreamObserver<CommitOffsetsResponse> response) {
    AdminService.reply(
        response,
        () -> {
          checkGroup(request.getGroup());
          if (request.getMemberId().isEmpty() && request.getGeneration() != 0) {
            throw RunnelError.invalidRequest("generation is only meaningful with a member_id");
          }
          Map<TopicPartition, GroupOffset> changes = new LinkedHashMap<>();
          for (CommittedOffset offset : request.getOffsetsList()) {
            if (OffsetsTopic.isInternal(offset.getTopic())) {
              throw RunnelError.invalidRequest("offsets of " + OffsetsTopic.NAME + " cannot be committed");
            }
            node.directory().route(offset.getTopic(), offset.getPartition());
            if (offset.getOffset() < 0) {
              throw RunnelError.invalidRequest(
                  "committed offset must be >= 0, got " + offset.getOffset() + " for "
                      + offset.getTopic() + "-" + offset.getPartition());
            }
            if (offset.getMetadata().length() > METADATA_LENGTH_MAX) {
              throw RunnelError.invalidRequest(
                  "commit metadata is limited to " + METADATA_LENGTH_MAX + " characters");
            }
            changes.put(
                new TopicPartition(offset.getTopic(), offset.getPartition()),
                GroupOffset.newBuilder()
                    .setTopic(offset.getTopic())
                    .setPartition(offset.getPartition())
                    .setOffset(offset.getOffset())
                    .setMetadata(offset.getMetadata())
                    .build());
          }
          // Fencing needs the group's membership, which lives on the coordinator.
          CoordinatorCalls.serve(
              node,
              request.getGroup(),
              true,
              OffsetsGrpc.getCommitOffsetsMethod(),
              request,
              response,
              () -> commit(request, changes));
          return null;
        });
  }

  /**
   * Checks the commit and submits its records in one task on the coordinator's thread, so no
   * membership change can come between the check and the append's place in the log: a member
   * commits revoked partitions before it acknowledges the revocation, and the next owner's
   * commits are submitted (and so ordered in the log) after it.
   */
  private CompletableFuture<CommitOffsetsResponse> commit(
      CommitOffsetsRequest request, Map<TopicPartition, GroupOffset> changes) {
    return node.groups()
        .call(
            request.getGroup(),
            coordinator -> {
              coordinator.checkCommit(
                  request.getGroup(), request.getMemberId(), request.getGeneration(), changes.keySet());
              return node.offsets().append(request.getGroup(), changes);
            })
        .thenCompose(appended -> appended)
        .thenApply(done -> CommitOffsetsResponse.getDefaultInstance());
  }

  @Override
  public void fetchOffsets(
      FetchOffsetsRequest request, StreamObserver<FetchOffsetsResponse> response) {
    AdminService.reply(
        response,
        () -> {
          checkGroup(request.getGroup());
          if (node.offsets().topic().isEmpty()) {
            // No group ever committed in this cluster.
            return CompletableFuture.completedFuture(FetchOffsetsResponse.getDefaultInstance());
          }
          CoordinatorCalls.serve(
              node,
              request.getGroup(),
              false,
              OffsetsGrpc.getFetchOffsetsMethod(),
              request,
              response,
              () -> CompletableFuture.completedFuture(fetch(request)));
          return null;
        });
  }

  private FetchOffsetsResponse fetch(FetchOffsetsRequest request) {
    Map<TopicPartition, GroupOffset> committed = node.offsets().offsets(request.getGroup());
    FetchOffsetsResponse.Builder out = FetchOffsetsResponse.newBuilder();
    if (request.getPartitionsCount() == 0) {
      committed.values().forEach(o -> out.addOffsets(toWire(o)));
    } else {
      for (dev.runnel.proto.v1.TopicPartition tp : request.getPartitionsList()) {
        GroupOffset o = committed.get(new TopicPartition(tp.getTopic(), tp.getPartition()));
        if (o != null) {
          out.addOffsets(toWire(o));
        }
      }
    }
    return out.build();
  }

  private static void checkGroup(String group) {
    GroupErrors.checkGroupId(group);
  }

  private static CommittedOffset toWire(GroupOffset o) {
    return CommittedOffset.newBuilder()
        .setTopic(o.getTopic())
        .setPartition(o.getPartition())
        .setOffset(o.getOffset())
        .setMetadata(o.getMetadata())
        .build();
  }
}
