package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.RunnelError;
import dev.runnel.node.group.CoordinatorLoop;
import dev.runnel.node.group.GroupCoordinator;
import dev.runnel.node.group.GroupErrors;
import dev.runnel.node.group.GroupView;
import dev.runnel.node.group.JoinSpec;
import dev.runnel.node.group.MemberSink;
import dev.runnel.node.group.TopicPartition;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.v1.Assignment;
import dev.runnel.proto.v1.DeleteGroupRequest;
import dev.runnel.proto.v1.DeleteGroupResponse;
import dev.runnel.proto.v1.DescribeGroupRequest;
import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.GroupMember;
import dev.runnel.proto.v1.GroupState;
import dev.runnel.proto.v1.GroupSummary;
import dev.runnel.proto.v1.GroupsGrpc;
import dev.runnel.proto.v1.JoinGroup;
import dev.runnel.proto.v1.JoinRequest;
import dev.runnel.proto.v1.JoinResponse;
import dev.runnel.proto.v1.Joined;
import dev.runnel.proto.v1.ListGroupsRequest;
import dev.runnel.proto.v1.ListGroupsResponse;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.proto.v1.ResetOffsetsRequest;
import dev.runnel.proto.v1.ResetOffsetsResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer groups over gRPC: the Join stream of each member, and group descriptions. Handlers
 * only translate and hand work to the {@link CoordinatorLoop}; Join streams are served by the
 * group's coordinator only (others answer NOT_COORDINATOR naming it), Describe, ResetOffsets and
 * DeleteGroup are forwarded to it, ListGroups asks every coordinator.
 */
public final class GroupsService extends GroupsGrpc.GroupsImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(GroupsService.class);

  private final NodeContext node;
  private final PartitionOffsets lag;
  private final GroupOffsetsAdmin admin;
  private final GroupLister groupLister;

  public GroupsService(NodeContext node) {
    this.node = node;
    this.lag = new PartitionOffsets(node);
    this.admin = new GroupOffsetsAdmin(node, lag);
    this.groupLister = new GroupLister(node);
  }

  @Override
  public StreamObserver<JoinRequest> join(StreamObserver<JoinResponse> responses) {
    return new MemberStream((ServerCallStreamObserver<JoinResponse>) responses);
  }

  @Override
  public void describeGroup(DescribeGroupRequest request, StreamObserver<DescribeGroupResponse> response) {
    AdminService.reply(
        response,
        () -> {
          GroupErrors.checkGroupId(request.getGroup());
          if (node.offsets().topic().isEmpty()) {
            throw GroupErrors.unknownGroup(request.getGroup());
          }
          CoordinatorCalls.serve(
              node,
              request.getGroup(),
              false,
              GroupsGrpc.getDescribeGroupMethod(),
              request,
              response,
              () ->
                  node.groups()
                      .call(request.getGroup(), coordinator -> coordinator.describe(request.getGroup()))
                      .thenCompose(view -> describe(view)));
          return null;
        });
  }

  /**
   * Every node answers for the groups it coordinates; the node asked first also asks every other
   * node leading an __consumer_offsets partition and merges the answers.
   */
  @Override
  public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> response) {
    AdminService.reply(response, () -> groupLister.list(Forwarder.isForwarded()));
  }

  @Override
  public void resetOffsets(ResetOffsetsRequest request, StreamObserver<ResetOffsetsResponse> response) {
    AdminService.reply(
        response,
        () -> {
          admin.validate(request);
          CoordinatorCalls.serve(
              node, request.getGroup(), true, GroupsGrpc.getResetOffsetsMethod(), request, response,
              () -> admin.reset(request));
          return null;
        });
  }

  @Override
  public void deleteGroup(DeleteGroupRequest request, StreamObserver<DeleteGroupResponse> response) {
    AdminService.reply(
        response,
        () -> {
          GroupErrors.checkGroupId(request.getGroup());
          if (node.offsets().topic().isEmpty()) {
            throw GroupErrors.unknownGroup(request.getGroup());
          }
          CoordinatorCalls.serve(
              node, request.getGroup(), false, GroupsGrpc.getDeleteGroupMethod(), request, response,
              () -> admin.delete(request));
          return null;
        });
  }

  private CompletableFuture<DescribeGroupResponse> describe(GroupView view) {
    Map<TopicPartition, GroupOffset> committed = node.offsets().offsets(view.group());
    if (view.members().isEmpty() && committed.isEmpty()) {
      throw GroupErrors.unknownGroup(view.group());
    }
    DescribeGroupResponse.Builder out =
        DescribeGroupResponse.newBuilder()
            .setGroup(view.group())
            .setState(state(view.state()))
            .setGeneration(view.generation())
            .setCoordinatorId(node.nodeId());
    Map<TopicPartition, String> owners = new TreeMap<>();
    for (GroupView.MemberView m : view.members()) {
      out.addMembers(
          GroupMember.newBuilder()
              .setMemberId(m.memberId())
              .setStaticMemberId(m.staticMemberId())
              .setClientId(m.clientId())
              .addAllTopics(m.topics())
              .setTopicPattern(m.topicPattern())
              .addAllAssigned(m.assigned().stream().map(GroupsService::toWire).toList())
              .addAllRevoking(m.revoking().stream().map(GroupsService::toWire).toList())
              .setSessionTimeoutMs(m.sessionTimeoutMs())
              .setConnected(m.connected()));
      m.assigned().forEach(tp -> owners.put(tp, m.memberId()));
      m.revoking().forEach(tp -> owners.put(tp, m.memberId()));
    }
    SortedSet<TopicPartition> partitions = new TreeSet<>(owners.keySet());
    partitions.addAll(committed.keySet());
    return lag.endOffsets(partitions)
        .thenApply(
            ends -> {
              for (TopicPartition tp : partitions) {
                GroupOffset commit = committed.get(tp);
                long committedOffset = commit == null ? -1 : commit.getOffset();
                long end = ends.getOrDefault(tp, -1L);
                out.addPartitions(
                    PartitionLag.newBuilder()
                        .setTopic(tp.topic())
                        .setPartition(tp.partition())
                        .setMemberId(owners.getOrDefault(tp, ""))
                        .setCommittedOffset(committedOffset)
                        .setEndOffset(end)
                        .setLag(committedOffset < 0 || end < 0 ? -1 : Math.max(0, end - committedOffset)));
              }
              return out.build();
            });
  }

  static GroupState state(GroupView.State state) {
    return switch (state) {
      case EMPTY -> GroupState.GROUP_STATE_EMPTY;
      case STABLE -> GroupState.GROUP_STATE_STABLE;
      case RECONCILING -> GroupState.GROUP_STATE_RECONCILING;
    };
  }

  static dev.runnel.proto.v1.TopicPartition toWire(TopicPartition tp) {
    return dev.runnel.proto.v1.TopicPartition.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()).build();
  }

  /**
   * One member's Join stream. gRPC delivers its messages one at a time; each becomes a task on the
   * coordinator's thread, in order, so {@code group} and {@code memberId} are only touched there
   * (after the join task set them).
   */
  private final class MemberStream implements StreamObserver<JoinRequest>, MemberSink {
    private final ServerCallStreamObserver<JoinResponse> responses;
    private volatile boolean joinSeen;
    /** The group of the join message (set on the gRPC thread; "" before it). */
    private volatile String requestedGroup = "";
    private String group;
    private String memberId;
    private boolean closed;

    MemberStream(ServerCallStreamObserver<JoinResponse> responses) {
      this.responses = responses;
    }

    @Override
    public void onNext(JoinRequest request) {
      if (request.getRequestCase() == JoinRequest.RequestCase.JOIN) {
        if (joinSeen) {
          runUnchecked(coordinator -> {
            throw RunnelError.invalidRequest("join may only be the first message of the stream");
          });
          return;
        }
        joinSeen = true;
        JoinGroup join = request.getJoin();
        JoinSpec spec =
            new JoinSpec(
                join.getGroup(),
                new LinkedHashSet<>(join.getTopicsList()),
                join.getTopicPattern(),
                join.getStaticMemberId(),
                join.getSessionTimeoutMs(),
                join.getRebalanceTimeoutMs(),
                join.getClientId());
        try {
          GroupErrors.checkGroupId(spec.group());
        } catch (RunnelError e) {
          runUnchecked(coordinator -> {
            throw e;
          });
          return;
        }
        requestedGroup = spec.group();
        // The first join of a cluster creates __consumer_offsets (members wait for it).
        node.offsets()
            .ensureTopic()
            .whenComplete(
                (created, failure) ->
                    run(
                        coordinator -> {
                          if (failure != null) {
                            throw GrpcErrors.classify(failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null ? failure.getCause() : failure);
                          }
                          group = spec.group();
                          memberId = coordinator.join(spec, this, CoordinatorLoop.nowMs());
                        }));
        return;
      }
      if (!joinSeen) {
        runUnchecked(coordinator -> {
          throw RunnelError.invalidRequest("the first message of the stream must be join");
        });
        return;
      }
      run(
          coordinator -> {
            if (memberId == null || closed) {
              return; // the join failed, or the member was removed: the stream is closed
            }
            long nowMs = CoordinatorLoop.nowMs();
            switch (request.getRequestCase()) {
              case HEARTBEAT -> coordinator.heartbeat(group, memberId, nowMs);
              case ACK -> coordinator.ack(group, memberId, request.getAck().getGeneration(), nowMs);
              case SUBSCRIPTION ->
                  coordinator.changeSubscription(
                      group,
                      memberId,
                      request.getSubscription().getTopicsList(),
                      request.getSubscription().getTopicPattern(),
                      nowMs);
              case LEAVE -> coordinator.leave(group, memberId, nowMs);
              default -> throw RunnelError.invalidRequest("empty or unknown request on the Join stream");
            }
          });
    }

    @Override
    public void onError(Throwable t) {
      // The member's stream broke (crash, network, cancel).
      run(
          coordinator -> {
            closed = true;
            if (memberId != null) {
              coordinator.disconnected(group, memberId, CoordinatorLoop.nowMs());
            }
          });
    }

    @Override
    public void onCompleted() {
      run(
          coordinator -> {
            if (memberId != null && !closed) {
              coordinator.leave(group, memberId, CoordinatorLoop.nowMs());
            }
            close(null);
          });
    }

    /** Runs {@code work} on the coordinator's thread; a failure ends the stream with it. */
    private void run(java.util.function.Consumer<GroupCoordinator> work) {
      node.groups().execute(requestedGroup, work, this::fail);
    }

    /** As {@link #run}, without the coordinator check (to refuse bad input as such). */
    private void runUnchecked(java.util.function.Consumer<GroupCoordinator> work) {
      node.groups().execute(null, work, this::fail);
    }

    private void fail(GroupCoordinator coordinator, RuntimeException failure) {
      boolean wasOpen = !closed;
      close(GrpcErrors.classify(failure));
      if (wasOpen && memberId != null) {
        // Like a broken stream: a dynamic member leaves, a static one may come back.
        coordinator.disconnected(group, memberId, CoordinatorLoop.nowMs());
      }
    }

    @Override
    public void joined(String id, int heartbeatIntervalMs, int sessionTimeoutMs, int rebalanceTimeoutMs) {
      send(
          JoinResponse.newBuilder()
              .setJoined(
                  Joined.newBuilder()
                      .setMemberId(id)
                      .setHeartbeatIntervalMs(heartbeatIntervalMs)
                      .setSessionTimeoutMs(sessionTimeoutMs)
                      .setRebalanceTimeoutMs(rebalanceTimeoutMs))
              .build());
    }

    @Override
    public void assignment(long generation, SortedSet<TopicPartition> partitions) {
      send(
          JoinResponse.newBuilder()
              .setAssignment(
                  Assignment.newBuilder()
                      .setGeneration(generation)
                      .addAllPartitions(partitions.stream().map(GroupsService::toWire).toList()))
              .build());
    }

    @Override
    public void close(RunnelError error) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (error == null) {
          responses.onCompleted();
        } else {
          responses.onError(GrpcErrors.toStatus(error));
        }
      } catch (RuntimeException e) {
        LOG.debug("member stream already gone: {}", e.toString());
      }
    }

    private void send(JoinResponse message) {
      if (closed) {
        return;
      }
      try {
        responses.onNext(message);
      } catch (RuntimeException e) {
        // Cancelled by the client meanwhile; onError will remove the member.
        LOG.debug("member stream already gone: {}", e.toString());
      }
    }
  }
}
