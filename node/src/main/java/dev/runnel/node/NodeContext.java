package dev.runnel.node;

import dev.runnel.node.grpc.Forwarder;
import dev.runnel.node.group.CoordinatorLoop;
import dev.runnel.node.group.GroupCoordinator;
import dev.runnel.node.group.GroupLimits;
import dev.runnel.node.grpc.Subscriptions;
import dev.runnel.node.metrics.NodeMetrics;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.ControllerResult;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.raft.RaftHost;
import dev.runnel.raft.RaftIds;
import dev.runnel.raft.RaftMessages;
import io.grpc.Status;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftPeerId;

/** What the gRPC services share: the node's parts and limits. Built once by {@link RunnelNode}. */
public final class NodeContext {
  private final NodeConfig config;
  private final RaftHost raft;
  private final PartitionDirectory directory;
  private final Reconciler reconciler;
  private final NodeMetrics metrics;
  private final TopicRules topicRules;
  private final Subscriptions subscriptions;
  private final ExecutorService readExecutor;
  private final Forwarder forwarder;
  private final ProduceBudget produceBudget;
  private final CoordinatorLoop groups;
  private final OffsetsStore offsets;
  private final PreferredLeaders preferredLeaders;
  private final NodeLiveness liveness;
  private volatile int grpcPort;

  NodeContext(
      NodeConfig config,
      RaftHost raft,
      PartitionDirectory directory,
      Reconciler reconciler,
      NodeMetrics metrics,
      ExecutorService readExecutor) {
    this.config = config;
    this.raft = raft;
    this.directory = directory;
    this.reconciler = reconciler;
    this.metrics = metrics;
    this.readExecutor = readExecutor;
    this.liveness = new NodeLiveness(config.intValue("node.session.timeout.ms"));
    this.topicRules =
        new TopicRules(
            config.intValue("message.max.bytes"),
            config.intValue("topic.partitions.max"),
            config.longValue("log.retention.ms"),
            config.longValue("log.retention.bytes"));
    this.subscriptions =
        new Subscriptions(config.intValue("subscribe.streams.max"), readExecutor, metrics);
    this.preferredLeaders = new PreferredLeaders(raft, directory);
    this.produceBudget =
        new ProduceBudget(
            config.longValue("produce.pending.bytes.max.per.partition"),
            config.longValue("produce.pending.bytes.max"));
    this.forwarder =
        new Forwarder(
            nodeId(),
            id -> directory.metadata().nodes().get(id),
            2 * config.intValue("fetch.max.bytes"));
    this.offsets = new OffsetsStore(this);
    this.groups =
        new CoordinatorLoop(
            new GroupCoordinator(
                new GroupLimits(
                    config.intValue("group.session.timeout.ms"),
                    config.intValue("group.session.timeout.ms.min"),
                    config.intValue("group.session.timeout.ms.max"),
                    config.intValue("group.rebalance.timeout.ms"),
                    config.intValue("group.members.max"),
                    config.intValue("groups.max")),
                () -> UUID.randomUUID().toString()),
            this::notCoordinator,
            () -> directory.metadata().topics(),
            metrics.groupRebalances::inc);
  }

  /** True when the node heartbeated the controller within node.session.timeout.ms. */
  public boolean isLive(int nodeId) {
    return liveness.isLive(nodeId, directory.metadata().lastHeartbeatsMs(), System.currentTimeMillis());
  }

  /** The registered nodes that are alive (see {@link #isLive}), in id order. */
  public java.util.SortedSet<Integer> liveNodeIds() {
    return liveness.live(
        directory.metadata().nodes().keySet(),
        directory.metadata().lastHeartbeatsMs(),
        System.currentTimeMillis());
  }

  /** The consumer group coordinator (it only has groups while this node coordinates them). */
  public CoordinatorLoop groups() {
    return groups;
  }

  /**
   * Null when this node coordinates {@code group} (it leads the group's __consumer_offsets
   * partition), else the NOT_COORDINATOR error naming the node that does.
   */
  public RunnelError notCoordinator(String group) {
    return offsets.notCoordinator(group);
  }

  /** The committed offsets of the groups, kept in __consumer_offsets. */
  public OffsetsStore offsets() {
    return offsets;
  }

  /** Bounds the batch bytes waiting for their commit (backpressure for producers). */
  public ProduceBudget produceBudget() {
    return produceBudget;
  }

  /** Sends calls this node cannot serve to the node that can. */
  public Forwarder forwarder() {
    return forwarder;
  }

  /** The node leading the controller group as this node knows it, or -1. */
  public int controllerLeaderId() {
    RaftPeerId leader = raft.leaderOf(RaftIds.CONTROLLER_GROUP);
    return leader == null ? -1 : RaftIds.nodeIdOf(leader);
  }

  /** The node id of the partition's leader as this replica knows it, or -1. */
  public int leaderIdOf(PartitionHandle handle) {
    RaftPeerId leader = raft.leaderOf(handle.groupId());
    return leader == null ? -1 : RaftIds.nodeIdOf(leader);
  }

  public NodeConfig config() {
    return config;
  }

  /** The cluster's id as the controller agreed it. */
  public String clusterId() {
    return directory.metadata().clusterId();
  }

  public int nodeId() {
    return config.intValue("node.id");
  }

  /** The port clients reach this node on (the bound one when the config says 0). */
  public int grpcPort() {
    return grpcPort;
  }

  void grpcPort(int port) {
    grpcPort = port;
  }

  public RaftHost raft() {
    return raft;
  }

  public PartitionDirectory directory() {
    return directory;
  }

  public NodeMetrics metrics() {
    return metrics;
  }

  public TopicRules topicRules() {
    return topicRules;
  }

  public Subscriptions subscriptions() {
    return subscriptions;
  }

  /** Runs reads that waited for data (long polls, subscriptions): never the Raft apply thread. */
  public ExecutorService readExecutor() {
    return readExecutor;
  }

  /** How far the leader lets a compressed batch decompress while it counts the records. */
  public long batchDecompressedBytesMax() {
    return config.longValue("batch.decompressed.bytes.max");
  }

  public long produceTimeoutMs() {
    return config.intValue("produce.timeout.ms");
  }

  public PreferredLeaders preferredLeaders() {
    return preferredLeaders;
  }

  public long producerIdExpirationMs() {
    return config.longValue("producer.id.expiration.ms");
  }

  public int produceStreamRequestsMax() {
    return config.intValue("produce.stream.requests.max");
  }

  public long fetchWaitMaxMs() {
    return config.intValue("fetch.max.wait.ms");
  }

  public int fetchBytesMax() {
    return config.intValue("fetch.max.bytes");
  }

  /**
   * Commits a command through the controller group. Completes with the applied result, or fails
   * with the RunnelError the controller answered (e.g. TOPIC_ALREADY_EXISTS).
   */
  public CompletableFuture<ControllerResult> submitController(ControllerCommand command) {
    return raft.submitToController(RaftMessages.of(command))
        .orTimeout(produceTimeoutMs(), TimeUnit.MILLISECONDS)
        .thenApply(
            reply -> {
              ControllerResult result;
              try {
                result = ControllerResult.parseFrom(RaftMessages.bytes(reply));
              } catch (IOException e) {
                throw new IllegalStateException("undecodable controller reply", e);
              }
              if (!result.getErrorReason().isEmpty()) {
                ErrorReason reason = ErrorReason.valueOf(result.getErrorReason());
                throw new CompletionException(
                    new RunnelError(reason, codeOf(reason), result.getErrorMessage()));
              }
              return result;
            });
  }

  /** Waits until this node's replicas of the topic are open and have a leader. */
  /** Completes after a reconcile pass that started now: partitions newly assigned here are open. */
  public CompletableFuture<Void> reconcileSoon() {
    return reconciler.reconcileSoon();
  }

  public CompletableFuture<Void> awaitPartitionsReady(String topic) {
    return reconciler
        .reconcileSoon()
        .thenCompose(ignored -> awaitLeaders(topic, System.nanoTime()));
  }

  private CompletableFuture<Void> awaitLeaders(String topic, long startNs) {
    var record = directory.metadata().topic(topic);
    if (record.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    boolean ready = true;
    for (int p = 0; p < record.get().getPartitions() && ready; p++) {
      if (record.get().getAssignments(p).getReplicasList().contains(nodeId())) {
        PartitionHandle handle = directory.find(record.get(), p);
        ready = handle != null && raft.hasLeaderAndCaughtUp(handle.groupId());
      }
    }
    if (ready) {
      return CompletableFuture.completedFuture(null);
    }
    if (System.nanoTime() - startNs > TimeUnit.MILLISECONDS.toNanos(produceTimeoutMs())) {
      return CompletableFuture.failedFuture(
          RunnelError.unavailable("the partitions of '" + topic + "' did not elect leaders in time"));
    }
    // Elections on one node take a few hundred milliseconds; check again shortly.
    return CompletableFuture.supplyAsync(
            () -> null, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS, readExecutor))
        .thenCompose(ignored -> awaitLeaders(topic, startNs));
  }

  private static Status.Code codeOf(ErrorReason reason) {
    switch (reason) {
      case TOPIC_ALREADY_EXISTS:
        return Status.Code.ALREADY_EXISTS;
      case UNKNOWN_TOPIC:
      case UNKNOWN_PARTITION:
        return Status.Code.NOT_FOUND;
      default:
        return Status.Code.FAILED_PRECONDITION;
    }
  }
}
