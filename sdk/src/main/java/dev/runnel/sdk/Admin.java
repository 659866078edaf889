package dev.runnel.sdk;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.AlterTopicConfigsRequest;
import dev.runnel.proto.v1.DeleteGroupRequest;
import dev.runnel.proto.v1.DeleteRecordsRequest;
import dev.runnel.proto.v1.DeleteTopicRequest;
import dev.runnel.proto.v1.DescribeClusterRequest;
import dev.runnel.proto.v1.DescribeClusterResponse;
import dev.runnel.proto.v1.DescribeGroupRequest;
import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.DescribeTopicRequest;
import dev.runnel.proto.v1.ElectPreferredLeadersRequest;
import dev.runnel.proto.v1.ElectPreferredLeadersResponse;
import dev.runnel.proto.v1.GroupSummary;
import dev.runnel.proto.v1.GroupsGrpc;
import dev.runnel.proto.v1.ListGroupsRequest;
import dev.runnel.proto.v1.ListTopicsRequest;
import dev.runnel.proto.v1.MetadataRequest;
import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.OffsetReset;
import dev.runnel.proto.v1.ReassignPartitionRequest;
import dev.runnel.proto.v1.ResetOffsetsRequest;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.proto.v1.TopicSummary;
import io.grpc.ManagedChannel;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Topic management and cluster look-ups, one blocking call each. Admin calls are not retried: a
 * user or tool running them sees the error and decides. Failures throw {@link RunnelException}.
 */
public final class Admin implements AutoCloseable {
  private final ChannelPool channels;
  private final String bootstrap;
  private final long requestTimeoutMs;
  private final OffsetLookup offsets;

  private Admin(String bootstrap, long requestTimeoutMs, Function<String, ManagedChannel> channelFactory) {
    this.channels = new ChannelPool(channelFactory);
    this.bootstrap = bootstrap;
    this.requestTimeoutMs = requestTimeoutMs;
    this.offsets = new OffsetLookup(channels, bootstrap, requestTimeoutMs, new RetryBackoff(0, 0));
  }

  public static Admin create(String bootstrap) {
    return builder().bootstrap(bootstrap).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Creates a topic; {@code replicationFactor} 0 means the cluster default. */
  public TopicDescription createTopic(
      String name, int partitions, int replicationFactor, Map<String, String> configs) {
    CreateTopicRequest request =
        CreateTopicRequest.newBuilder()
            .setName(name)
            .setPartitions(partitions)
            .setReplicationFactor(replicationFactor)
            .putAllConfigs(configs == null ? Map.of() : configs)
            .build();
    return call(() -> stub().createTopic(request));
  }

  public void deleteTopic(String name) {
    call(() -> stub().deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build()));
  }

  public List<TopicSummary> listTopics() {
    return call(() -> stub().listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList());
  }

  public TopicDescription describeTopic(String name) {
    return call(() -> stub().describeTopic(DescribeTopicRequest.newBuilder().setName(name).build()));
  }

  /** Nodes and per-partition leaders of {@code topics} (all topics when empty). */
  public MetadataResponse metadata(Collection<String> topics) {
    return call(() -> stub().metadata(MetadataRequest.newBuilder().addAllTopics(topics).build()));
  }

  /** Sets {@code set} and returns {@code delete} to their defaults; answers the new description. */
  /**
   * Moves a partition's replicas to {@code replicas} (the first is the preferred leader); the
   * move completes in the background: new replicas copy the data, then the old ones leave.
   */
  public TopicDescription reassignPartition(String topic, int partition, List<Integer> replicas) {
    return call(
        () ->
            stub()
                .reassignPartition(
                    ReassignPartitionRequest.newBuilder()
                        .setTopic(topic)
                        .setPartition(partition)
                        .addAllReplicas(replicas)
                        .build()));
  }

  /**
   * Hands the leadership of every partition of {@code topic} (every topic when empty) to its
   * preferred leader, and reports per partition whether it already led, moved, or could not.
   * Waits up to {@code timeoutMs} (a transfer waits for the preferred leader to catch up).
   */
  public ElectPreferredLeadersResponse electPreferredLeaders(String topic, long timeoutMs) {
    return call(
        () ->
            AdminGrpc.newBlockingStub(channels.channel(bootstrap))
                .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                .electPreferredLeaders(ElectPreferredLeadersRequest.newBuilder().setTopic(topic).build()));
  }

  public TopicDescription alterTopicConfigs(String name, Map<String, String> set, Collection<String> delete) {
    return call(
        () ->
            stub()
                .alterTopicConfigs(
                    AlterTopicConfigsRequest.newBuilder()
                        .setName(name)
                        .putAllSet(set)
                        .addAllDelete(delete)
                        .build()));
  }

  /**
   * Deletes the partition's records below {@code beforeOffset} (-1: all up to the high
   * watermark); returns the new log start offset.
   */
  public long deleteRecords(String topic, int partition, long beforeOffset) {
    return call(
            () ->
                stub()
                    .deleteRecords(
                        DeleteRecordsRequest.newBuilder()
                            .setTopic(topic)
                            .setPartition(partition)
                            .setBeforeOffset(beforeOffset)
                            .build()))
        .getLogStartOffset();
  }

  /** The cluster's nodes: reachability, controller leader, replicas and leaders per node. */
  public DescribeClusterResponse describeCluster() {
    return call(() -> stub().describeCluster(DescribeClusterRequest.getDefaultInstance()));
  }

  /** Partition -> offset of every partition of {@code topic} for {@code spec}. */
  public Map<Integer, Long> listOffsets(String topic, OffsetSpec spec) {
    return offsets.listOffsets(topic, List.of(), spec);
  }

  /** Partition -> first offset whose batch holds a timestamp >= {@code timestampMs}, or -1. */
  public Map<Integer, Long> listOffsetsForTimestamp(String topic, long timestampMs) {
    return offsets.listOffsetsForTimestamp(topic, timestampMs);
  }

  /** Groups with members or committed offsets. */
  public List<GroupSummary> listGroups() {
    return call(() -> groups().listGroups(ListGroupsRequest.getDefaultInstance()).getGroupsList());
  }

  /**
   * A group's members and, per partition, its owner, committed offset, end offset and lag; throws
   * UNKNOWN_GROUP when the group has neither members nor commits.
   */
  public DescribeGroupResponse describeGroup(String group) {
    return call(() -> groups().describeGroup(DescribeGroupRequest.newBuilder().setGroup(group).build()));
  }

  /**
   * Sets the committed offsets of {@code group} for {@code partitions} of {@code topic} (empty:
   * all). The group must have no members (GROUP_NOT_EMPTY otherwise). With {@code dryRun} nothing
   * is committed; the answer shows the plan either way: per partition the previous committed
   * offset (-1: none) and the new one.
   */
  public List<OffsetReset> resetOffsets(
      String group, String topic, Collection<Integer> partitions, ResetTo to, boolean dryRun) {
    ResetOffsetsRequest.Builder request =
        ResetOffsetsRequest.newBuilder().setGroup(group).setTopic(topic).addAllPartitions(partitions).setDryRun(dryRun);
    to.applyTo(request);
    return call(() -> groups().resetOffsets(request.build()).getResetsList());
  }

  /**
   * Removes the committed offsets of a group without members (GROUP_NOT_EMPTY otherwise;
   * UNKNOWN_GROUP when it has none). Returns how many partitions' offsets were removed.
   */
  public int deleteGroup(String group) {
    return call(() -> groups().deleteGroup(DeleteGroupRequest.newBuilder().setGroup(group).build()).getDeletedOffsets());
  }

  @Override
  public void close() {
    channels.close();
  }

  private GroupsGrpc.GroupsBlockingStub groups() {
    return GroupsGrpc.newBlockingStub(channels.channel(bootstrap))
        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private AdminGrpc.AdminBlockingStub stub() {
    return AdminGrpc.newBlockingStub(channels.channel(bootstrap))
        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private static <T> T call(Supplier<T> blockingCall) {
    try {
      return blockingCall.get();
    } catch (RuntimeException e) {
      throw RunnelException.from(e);
    }
  }

  /** Builds an {@link Admin}. */
  public static final class Builder {
    private String bootstrap = "127.0.0.1:9400";
    private int requestTimeoutMs = 30_000;
    private Function<String, ManagedChannel> channelFactory = ChannelPool::netty;

    private Builder() {}

    public Builder bootstrap(String hostPort) {
      this.bootstrap = hostPort;
      return this;
    }

    public Builder requestTimeoutMs(int requestTimeoutMs) {
      this.requestTimeoutMs = requestTimeoutMs;
      return this;
    }

    /** For tests: how a channel to an address is opened (e.g. in-process). */
    Builder channelFactory(Function<String, ManagedChannel> channelFactory) {
      this.channelFactory = channelFactory;
      return this;
    }

    public Admin build() {
      ConfigBounds.hostPort("bootstrap", bootstrap);
      ConfigBounds.check("requestTimeoutMs", requestTimeoutMs, 1, 600_000);
      return new Admin(bootstrap, requestTimeoutMs, channelFactory);
    }
  }
}
