package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.PartitionDirectory;
import dev.runnel.node.PartitionHandle;
import dev.runnel.node.RunnelError;
import dev.runnel.node.TopicRules;
import dev.runnel.node.group.OffsetsTopic;
import dev.runnel.proto.internal.AlterTopicConfigsCommand;
import dev.runnel.proto.internal.ReassignPartitionCommand;
import dev.runnel.proto.internal.AppendResult;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.CreateTopicCommand;
import dev.runnel.proto.internal.DeleteTopicCommand;
import dev.runnel.proto.internal.NodeRecord;
import dev.runnel.proto.internal.PartitionCommand;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.internal.TruncatePrefixCommand;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.AlterTopicConfigsRequest;
import dev.runnel.proto.v1.ElectPreferredLeadersRequest;
import dev.runnel.proto.v1.ElectPreferredLeadersResponse;
import dev.runnel.proto.v1.ReassignPartitionRequest;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.DeleteRecordsRequest;
import dev.runnel.proto.v1.DeleteRecordsResponse;
import dev.runnel.proto.v1.DeleteTopicRequest;
import dev.runnel.proto.v1.DeleteTopicResponse;
import dev.runnel.proto.v1.DescribeClusterRequest;
import dev.runnel.proto.v1.DescribeClusterResponse;
import dev.runnel.proto.v1.DescribeTopicRequest;
import dev.runnel.proto.v1.ListOffsetsRequest;
import dev.runnel.proto.v1.ListOffsetsResponse;
import dev.runnel.proto.v1.ListTopicsRequest;
import dev.runnel.proto.v1.ListTopicsResponse;
import dev.runnel.proto.v1.MetadataRequest;
import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.NodeInfo;
import dev.runnel.proto.v1.NodeStatus;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.PartitionDescription;
import dev.runnel.proto.v1.PartitionMetadata;
import dev.runnel.proto.v1.PartitionOffset;
import dev.runnel.proto.v1.ReplicaState;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.proto.v1.TopicMetadata;
import dev.runnel.proto.v1.TopicSummary;
import dev.runnel.raft.Placement;
import dev.runnel.raft.RaftMessages;
import dev.runnel.storage.OffsetOutOfRangeException;
import dev.runnel.storage.PartitionLog;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Topic management, metadata for routing, and offset lookup. */
public final class AdminService extends AdminGrpc.AdminImplBase {
  /** How long DescribeCluster waits for each other node before calling it unreachable. */
  private static final long PEER_STATUS_TIMEOUT_MS = 2_000;
  private final NodeContext node;

  public AdminService(NodeContext node) {
    this.node = node;
  }

  @Override
  public void createTopic(CreateTopicRequest request, StreamObserver<TopicDescription> response) {
    reply(
        response,
        () -> {
          TopicRules rules = node.topicRules();
          rules.checkName(request.getName());
          OffsetsTopic.refuseClient(request.getName(), "create");
          rules.checkPartitions(request.getPartitions());
          int replicationFactor =
              request.getReplicationFactor() == 0
                  ? node.config().intValue("default.replication.factor")
                  : request.getReplicationFactor();
          // New replicas go to live nodes only: a node that stopped heartbeating would leave the
          // new partitions short of a replica from the start.
          List<Integer> nodeIds = List.copyOf(node.liveNodeIds());
          rules.checkReplicationFactor(replicationFactor, nodeIds.size());
          List<NodeRecord> liveNodes = new ArrayList<>();
          nodeIds.forEach(id -> liveNodes.add(node.directory().metadata().nodes().get(id)));
          TopicRecord topic =
              TopicRecord.newBuilder()
                  .setName(request.getName())
                  .setTopicId(UUID.randomUUID().toString())
                  .setPartitions(request.getPartitions())
                  .setReplicationFactor(replicationFactor)
                  .putAllConfigs(rules.effectiveConfigs(request.getConfigsMap()))
                  .setCreatedAtMs(System.currentTimeMillis())
                  .addAllAssignments(
                      Placement.assign(
                          racksOf(liveNodes),
                          request.getPartitions(),
                          replicationFactor,
                          // Rotate where topics start so their preferred leaders spread.
                          Math.floorMod(request.getName().hashCode(), nodeIds.size())))
                  .build();
          return node.submitController(
                  ControllerCommand.newBuilder()
                      .setCreateTopic(CreateTopicCommand.newBuilder().setTopic(topic))
                      .build())
              .thenCompose(created -> node.awaitPartitionsReady(request.getName()))
              .thenApply(ready -> describe(node.directory().topic(request.getName())));
        });
  }

  @Override
  public void deleteTopic(DeleteTopicRequest request, StreamObserver<DeleteTopicResponse> response) {
    reply(
        response,
        () -> {
          node.directory().topic(request.getName());
          OffsetsTopic.refuseClient(request.getName(), "delete");
          return node.submitController(
                  ControllerCommand.newBuilder()
                      .setDeleteTopic(DeleteTopicCommand.newBuilder().setName(request.getName()))
                      .build())
              .thenCompose(deleted -> node.awaitPartitionsReady(request.getName()))
              .thenApply(
                  done -> {
                    node.metrics().removeTopic(request.getName());
                    return DeleteTopicResponse.getDefaultInstance();
                  });
        });
  }

  @Override
  public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> response) {
    reply(
        response,
        () -> {
          ListTopicsResponse.Builder out = ListTopicsResponse.newBuilder();
          for (TopicRecord t : node.directory().metadata().topics().values()) {
            out.addTopics(
                TopicSummary.newBuilder()
                    .setName(t.getName())
                    .setPartitions(t.getPartitions())
                    .setReplicationFactor(t.getReplicationFactor())
                    .setInternal(OffsetsTopic.isInternal(t.getName())));
          }
          return CompletableFuture.completedFuture(out.build());
        });
  }

  @Override
  public void describeTopic(DescribeTopicRequest request, StreamObserver<TopicDescription> response) {
    reply(
        response,
        () -> CompletableFuture.completedFuture(describe(node.directory().topic(request.getName()))));
  }

  private TopicDescription describe(TopicRecord topic) {
    TopicDescription.Builder out =
        TopicDescription.newBuilder()
            .setName(topic.getName())
            .setTopicId(topic.getTopicId())
            .setReplicationFactor(topic.getReplicationFactor())
            .setInternal(OffsetsTopic.isInternal(topic.getName()))
            .putAllConfigs(topic.getConfigsMap());
    for (int p = 0; p < topic.getPartitions(); p++) {
      // A replica this node is still opening (just created or reassigned here) is described as
      // one it does not hold, rather than failing the whole description.
      PartitionDirectory.Route route = node.directory().placement(topic.getName(), p);
      PartitionDescription.Builder partition =
          PartitionDescription.newBuilder().setPartition(p).addAllReplicas(route.replicas());
      PartitionHandle handle = route.local();
      if (handle == null) {
        // No open replica here: this node knows the placement but not the log.
        partition.setLeaderId(-1).setLogStartOffset(-1).setHighWatermark(-1).setSizeBytes(-1);
      } else {
        PartitionLog log = handle.log();
        int leader = node.leaderIdOf(handle);
        if (leader == node.nodeId()) {
          Map<Integer, Long> commits = node.raft().commitIndexes(handle.groupId());
          long leaderCommit = commits.getOrDefault(leader, 0L);
          for (int replica : route.replicas()) {
            Long commit = commits.get(replica);
            partition.addReplicaStates(
                ReplicaState.newBuilder()
                    .setNodeId(replica)
                    .setLagEntries(commit == null ? -1 : Math.max(0, leaderCommit - commit)));
          }
        }
        partition
            .setLeaderId(leader)
            .setLogStartOffset(log.logStartOffset())
            .setHighWatermark(log.nextOffset())
            .setSizeBytes(log.sizeBytes());
      }
      out.addPartitions(partition);
    }
    return out.build();
  }

  @Override
  public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> response) {
    reply(
        response,
        () -> {
          MetadataResponse.Builder out =
              MetadataResponse.newBuilder()
                  .setClusterId(node.clusterId())
                  .setControllerId(node.controllerLeaderId());
          for (NodeRecord n : node.directory().metadata().nodes().values()) {
            out.addNodes(NodeInfo.newBuilder().setId(n.getId()).setHost(n.getHost()).setPort(n.getGrpcPort()));
          }
          Collection<TopicRecord> topics =
              request.getTopicsCount() == 0
                  ? node.directory().metadata().topics().values()
                  : request.getTopicsList().stream().map(node.directory()::topic).toList();
          for (TopicRecord t : topics) {
            TopicMetadata.Builder topic =
                TopicMetadata.newBuilder().setName(t.getName()).setTopicId(t.getTopicId());
            for (int p = 0; p < t.getPartitions(); p++) {
              PartitionDirectory.Route route = node.directory().route(t.getName(), p);
              int leader = route.local() == null ? -1 : node.leaderIdOf(route.local());
              topic.addPartitions(
                  PartitionMetadata.newBuilder()
                      .setPartition(p)
                      // A replica knows the current leader; otherwise the preferred one is the
                      // best guess, and it forwards if leadership moved.
                      .setLeaderId(leader >= 0 ? leader : route.preferredLeader())
                      .addAllReplicas(route.replicas()));
            }
            out.addTopics(topic);
          }
          return CompletableFuture.completedFuture(out.build());
        });
  }

  @Override
  public void alterTopicConfigs(
      AlterTopicConfigsRequest request, StreamObserver<TopicDescription> response) {
    reply(
        response,
        () -> {
          TopicRecord topic = node.directory().topic(request.getName());
          OffsetsTopic.refuseClient(topic.getName(), "alter the configs of");
          Map<String, String> configs =
              node.topicRules()
                  .alteredConfigs(topic.getConfigsMap(), request.getSetMap(), request.getDeleteList());
          return node.submitController(
                  ControllerCommand.newBuilder()
                      .setAlterTopicConfigs(
                          AlterTopicConfigsCommand.newBuilder()
                              .setName(request.getName())
                              .putAllConfigs(configs))
                      .build())
              .thenApply(altered -> describe(node.directory().topic(request.getName())));
        });
  }

  @Override
  public void reassignPartition(
      ReassignPartitionRequest request, StreamObserver<TopicDescription> response) {
    reply(
        response,
        () -> {
          TopicRecord topic = node.directory().topic(request.getTopic());
          if (request.getPartition() < 0 || request.getPartition() >= topic.getPartitions()) {
            throw RunnelError.invalidRequest(
                "topic '" + topic.getName() + "' has no partition " + request.getPartition()
                    + " (it has " + topic.getPartitions() + ")");
          }
          List<Integer> replicas = request.getReplicasList();
          Set<Integer> registered = node.directory().metadata().nodes().keySet();
          if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()) {
            throw RunnelError.invalidRequest("replicas must name at least one node, each once; got " + replicas);
          }
          for (int replica : replicas) {
            if (!registered.contains(replica)) {
              throw RunnelError.invalidRequest(
                  "unknown node id " + replica + "; the cluster's nodes are " + registered);
            }
          }
          List<Integer> current = topic.getAssignments(request.getPartition()).getReplicasList();
          if (current.equals(replicas)) {
            throw RunnelError.invalidRequest(
                topic.getName() + "-" + request.getPartition() + " already has replicas " + current);
          }
          return node.submitController(
                  ControllerCommand.newBuilder()
                      .setReassignPartition(
                          ReassignPartitionCommand.newBuilder()
                              .setTopic(topic.getName())
                              .setPartition(request.getPartition())
                              .addAllReplicas(replicas))
                      .build())
              // A new replica on this node opens in the background: describe once it is open
              // (it catches up later).
              .thenCompose(done -> node.reconcileSoon())
              .thenApply(ready -> describe(node.directory().topic(request.getTopic())));
        });
  }

  @Override
  public void electPreferredLeaders(
      ElectPreferredLeadersRequest request, StreamObserver<ElectPreferredLeadersResponse> response) {
    reply(response, () -> node.preferredLeaders().elect(request.getTopic()));
  }

  @Override
  public void deleteRecords(
      DeleteRecordsRequest request, StreamObserver<DeleteRecordsResponse> response) {
    reply(
        response,
        () -> {
          OffsetsTopic.refuseClient(request.getTopic(), "delete records of");
          PartitionDirectory.Route route =
              node.directory().route(request.getTopic(), request.getPartition());
          PartitionHandle handle = route.local();
          int leader = handle == null ? route.preferredLeader() : node.leaderIdOf(handle);
          if (handle == null || leader != node.nodeId()) {
            node.forwarder()
                .unary(
                    AdminGrpc.getDeleteRecordsMethod(),
                    request,
                    leader,
                    RunnelError.notLeader(request.getTopic(), request.getPartition(), leader),
                    response);
            return null;
          }
          PartitionLog log = handle.log();
          long highWatermark = log.nextOffset();
          long before = request.getBeforeOffset() == -1 ? highWatermark : request.getBeforeOffset();
          if (before < 0 || before > highWatermark) {
            throw new OffsetOutOfRangeException(before, log.logStartOffset(), highWatermark);
          }
          return node.raft()
              .submit(
                  handle.groupId(),
                  RaftMessages.of(
                      PartitionCommand.newBuilder()
                          .setTruncatePrefix(TruncatePrefixCommand.newBuilder().setOffset(before))
                          .build()))
              .thenApply(
                  reply -> {
                    try {
                      return DeleteRecordsResponse.newBuilder()
                          .setLogStartOffset(AppendResult.parseFrom(RaftMessages.bytes(reply)).getLogStartOffset())
                          .build();
                    } catch (IOException e) {
                      throw new IllegalStateException("undecodable truncate reply", e);
                    }
                  });
        });
  }

  @Override
  public void describeCluster(
      DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> response) {
    reply(
        response,
        () -> {
          DescribeClusterResponse.Builder out =
              DescribeClusterResponse.newBuilder()
                  .setClusterId(node.clusterId())
                  .setControllerId(node.controllerLeaderId());
          if (request.getLocalOnly()) {
            return CompletableFuture.completedFuture(out.addNodes(localStatus()).build());
          }
          List<CompletableFuture<NodeStatus>> statuses = new ArrayList<>();
          // Alive means heartbeating the controller (node.session.timeout.ms); live nodes are
          // asked for the partitions they lead, dead ones are not waited for.
          for (NodeRecord n : node.directory().metadata().nodes().values()) {
            boolean live = node.isLive(n.getId());
            statuses.add(
                !live
                    ? CompletableFuture.completedFuture(placement(n).setAlive(false).build())
                    : n.getId() == node.nodeId()
                    ? CompletableFuture.completedFuture(localStatus())
                    : node.forwarder()
                        .ask(
                            AdminGrpc.getDescribeClusterMethod(),
                            DescribeClusterRequest.newBuilder().setLocalOnly(true).build(),
                            n.getId(),
                            PEER_STATUS_TIMEOUT_MS)
                        .thenApply(r -> r.getNodes(0).toBuilder().setAlive(true).build())
                        .exceptionally(unreachable -> placement(n).setAlive(true).build()));
          }
          return CompletableFuture.allOf(statuses.toArray(CompletableFuture[]::new))
              .thenApply(
                  done -> {
                    statuses.forEach(s -> out.addNodes(s.join()));
                    return out.build();
                  });
        });
  }

  private static Map<Integer, String> racksOf(Collection<NodeRecord> nodes) {
    Map<Integer, String> racks = new TreeMap<>();
    nodes.forEach(n -> racks.put(n.getId(), n.getRack()));
    return racks;
  }

  /** This node's status: alive, with the partitions it leads counted from its own groups. */
  private NodeStatus localStatus() {
    NodeRecord self = node.directory().metadata().nodes().get(node.nodeId());
    int leaders = 0;
    for (PartitionHandle handle : node.directory().hostedPartitions()) {
      if (node.leaderIdOf(handle) == node.nodeId()) {
        leaders++;
      }
    }
    return placement(self).setAlive(true).setLeaders(leaders).build();
  }

  /** What the metadata says about a node: its address and its share of the replicas. */
  private NodeStatus.Builder placement(NodeRecord n) {
    int replicas = 0;
    int preferred = 0;
    for (TopicRecord t : node.directory().metadata().topics().values()) {
      for (var assignment : t.getAssignmentsList()) {
        if (assignment.getReplicasList().contains(n.getId())) {
          replicas++;
        }
        if (assignment.getReplicas(0) == n.getId()) {
          preferred++;
        }
      }
    }
    return NodeStatus.newBuilder()
        .setId(n.getId())
        .setHost(n.getHost())
        .setPort(n.getGrpcPort())
        .setRack(n.getRack())
        .setReplicas(replicas)
        .setPreferredLeaders(preferred);
  }

  @Override
  public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> response) {
    reply(
        response,
        () -> {
          TopicRecord topic = node.directory().topic(request.getTopic());
          List<Integer> partitions = new ArrayList<>(request.getPartitionsList());
          if (partitions.isEmpty()) {
            for (int p = 0; p < topic.getPartitions(); p++) {
              partitions.add(p);
            }
          }
          for (int p : partitions) {
            PartitionDirectory.Route route = node.directory().route(request.getTopic(), p);
            if (route.local() == null) {
              // Served whole by a node that holds the partition; it forwards no further.
              node.forwarder()
                  .unary(
                      AdminGrpc.getListOffsetsMethod(),
                      request,
                      route.preferredLeader(),
                      RunnelError.notLeader(request.getTopic(), p, route.preferredLeader()),
                      response);
              return null;
            }
          }
          ListOffsetsResponse.Builder out = ListOffsetsResponse.newBuilder();
          for (int p : partitions) {
            PartitionLog log = node.directory().get(request.getTopic(), p).log();
            long offset;
            if (request.getQueryCase() == ListOffsetsRequest.QueryCase.TIMESTAMP_MS) {
              offset = log.offsetForTimestamp(request.getTimestampMs());
            } else if (request.getSpec() == OffsetSpec.OFFSET_SPEC_EARLIEST) {
              offset = log.logStartOffset();
            } else if (request.getSpec() == OffsetSpec.OFFSET_SPEC_LATEST) {
              offset = log.nextOffset();
            } else {
              throw RunnelError.invalidRequest("say which offset: spec EARLIEST or LATEST, or timestamp_ms");
            }
            out.addOffsets(PartitionOffset.newBuilder().setPartition(p).setOffset(offset));
          }
          return CompletableFuture.completedFuture(out.build());
        });
  }

  /**
   * Runs {@code call} and answers with its result or its error; a call that returns null has
   * handed the response to someone else (forwarded it).
   */
  static <T> void reply(StreamObserver<T> response, Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
      return;
    }
    if (result == null) {
      return;
    }
    result.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            response.onError(GrpcErrors.toStatus(failure));
          } else {
            response.onNext(value);
            response.onCompleted();
          }
        });
  }
}
