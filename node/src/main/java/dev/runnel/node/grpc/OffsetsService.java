package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.RunnelError;
import dev.runnel.node.group.GroupErrors;
import dev.runnel.node.group.TopicPartition;
import dev.runnel.proto.internal.CommitOffsetsCommand;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommitOffsetsResponse;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.FetchOffsetsRequest;
import dev.runnel.proto.v1.FetchOffsetsResponse;
import dev.runnel.proto.v1.OffsetsGrpc;
import dev.runnel.raft.ClusterMetadata;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Committed offsets of named consumer groups, replicated through the controller group. Commits
 * are checked by the group coordinator (fencing) and so are forwarded to it. (The
 * __consumer_offsets topic of DESIGN.md section 7 is not built yet.)
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
          CommitOffsetsCommand.Builder command =
              CommitOffsetsCommand.newBuilder().setGroup(request.getGroup());
          for (CommittedOffset offset : request.getOffsetsList()) {
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
            command.addOffsets(
                GroupOffset.newBuilder()
                    .setTopic(offset.getTopic())
                    .setPartition(offset.getPartition())
                    .setOffset(offset.getOffset())
                    .setMetadata(offset.getMetadata()));
          }
          // Fencing needs the group's membership, which lives on the coordinator.
          RunnelError elsewhere = node.notCoordinator();
          if (elsewhere != null) {
            node.forwarder()
                .unary(
                    OffsetsGrpc.getCommitOffsetsMethod(),
                    request,
                    node.controllerLeaderId(),
                    elsewhere,
                    response);
            return null;
          }
          List<TopicPartition> partitions = new ArrayList<>();
          request.getOffsetsList().forEach(o -> partitions.add(new TopicPartition(o.getTopic(), o.getPartition())));
          ControllerCommand commit = ControllerCommand.newBuilder().setCommitOffsets(command).build();
          // Checked on the coordinator's thread, then committed. A member commits revoked
          // partitions before it acknowledges the revocation, so a check that passed cannot be
          // overtaken by the partition's next owner.
          return node.groups()
              .call(
                  coordinator -> {
                    coordinator.checkCommit(
                        request.getGroup(), request.getMemberId(), request.getGeneration(), partitions);
                    return null;
                  })
              .thenCompose(checked -> node.submitController(commit))
              .thenApply(done -> CommitOffsetsResponse.getDefaultInstance());
        });
  }

  @Override
  public void fetchOffsets(
      FetchOffsetsRequest request, StreamObserver<FetchOffsetsResponse> response) {
    AdminService.reply(
        response,
        () -> {
          checkGroup(request.getGroup());
          Map<ClusterMetadata.OffsetKey, GroupOffset> committed =
              node.directory().metadata().offsets(request.getGroup());
          FetchOffsetsResponse.Builder out = FetchOffsetsResponse.newBuilder();
          if (request.getPartitionsCount() == 0) {
            committed.values().forEach(o -> out.addOffsets(toWire(o)));
          } else {
            for (dev.runnel.proto.v1.TopicPartition tp : request.getPartitionsList()) {
              GroupOffset o = committed.get(new ClusterMetadata.OffsetKey(tp.getTopic(), tp.getPartition()));
              if (o != null) {
                out.addOffsets(toWire(o));
              }
            }
          }
          return CompletableFuture.completedFuture(out.build());
        });
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
