package dev.runnel.sdk;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.MetadataRequest;
import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.NodeInfo;
import dev.runnel.proto.v1.PartitionMetadata;
import dev.runnel.proto.v1.TopicMetadata;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Cache of what a client needs to route: per topic, its partition count and the address of each
 * partition's leader, read from {@code Admin.Metadata} on first use and re-read after {@link
 * #invalidate}. Unknown topics are not cached, so a topic created after a failed send is found on
 * the next one.
 */
final class ClusterMetadata {
  /** Routing for one topic: partition count and leader address per partition. */
  record TopicRoute(int partitionCount, Map<Integer, String> leaderAddressByPartition) {}

  private final ChannelPool channels;
  private final String bootstrapAddress;
  private final long requestTimeoutMs;
  private final Map<String, TopicRoute> routesByTopic = new ConcurrentHashMap<>();
  /** Node addresses learnt from metadata, tried when the bootstrap node does not answer. */
  private final Set<String> knownAddresses = ConcurrentHashMap.newKeySet();

  ClusterMetadata(ChannelPool channels, String bootstrapAddress, long requestTimeoutMs) {
    this.channels = channels;
    this.bootstrapAddress = bootstrapAddress;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  /** The partition count of {@code topic}; throws RunnelException UNKNOWN_TOPIC if it does not exist. */
  int partitionCount(String topic) {
    return route(topic).partitionCount();
  }

  /**
   * The address to send requests for {@code tp} to: its leader's, re-reading metadata if it was
   * invalidated; any reachable node otherwise (nodes forward to the leader).
   */
  String leaderAddress(TopicPartition tp) {
    TopicRoute route;
    try {
      route = route(tp.topic());
    } catch (RunnelException e) {
      return bootstrapAddress;
    }
    return route.leaderAddressByPartition().getOrDefault(tp.partition(), bootstrapAddress);
  }

  /** Forget {@code topic}, after the node said the leader moved or the topic changed. */
  void invalidate(String topic) {
    routesByTopic.remove(topic);
  }

  /** Drop the routing for the topic a failure names when the failure means it went stale. */
  void invalidateOn(RunnelException error, String topic) {
    ErrorReason reason = error.reason();
    // UNAVAILABLE without a reason: the node we routed to is gone, so its leaderships are too.
    if (reason == ErrorReason.NOT_LEADER
        || reason == ErrorReason.UNKNOWN_TOPIC
        || reason == ErrorReason.UNKNOWN_PARTITION
        || error.code() == Status.Code.UNAVAILABLE) {
      invalidate(topic);
    }
  }

  /**
   * Runs a blocking call against the bootstrap node, then every other node seen so far, until one
   * answers or fails with a non-retriable error: the bootstrap node may be the one that failed.
   */
  <T> T callAnyNode(Function<ManagedChannel, T> call) {
    RunnelException lastFailure = null;
    for (String address : candidates()) {
      try {
        return call.apply(channels.channel(address));
      } catch (RuntimeException e) {
        lastFailure = RunnelException.from(e);
        if (!lastFailure.retriable()) {
          throw lastFailure;
        }
      }
    }
    throw lastFailure;
  }

  private List<String> candidates() {
    List<String> addresses = new ArrayList<>();
    addresses.add(bootstrapAddress);
    knownAddresses.stream().filter(a -> !a.equals(bootstrapAddress)).sorted().forEach(addresses::add);
    return addresses;
  }

  private TopicRoute route(String topic) {
    TopicRoute cached = routesByTopic.get(topic);
    if (cached != null) {
      return cached;
    }
    TopicRoute fresh = fetch(topic);
    routesByTopic.put(topic, fresh);
    return fresh;
  }

  /**
   * Asks the bootstrap node, then every other node seen so far, until one answers: the bootstrap
   * node may be the one that failed.
   */
  private TopicRoute fetch(String topic) {
    MetadataResponse response =
        callAnyNode(
            channel ->
                AdminGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
                    .metadata(MetadataRequest.newBuilder().addTopics(topic).build()));
    for (NodeInfo node : response.getNodesList()) {
      knownAddresses.add(node.getHost() + ":" + node.getPort());
    }
    for (TopicMetadata tm : response.getTopicsList()) {
      if (tm.getName().equals(topic) && tm.getPartitionsCount() > 0) {
        return routeOf(tm, response, bootstrapAddress);
      }
    }
    throw RunnelException.local(
        ErrorReason.UNKNOWN_TOPIC, Status.Code.NOT_FOUND, "UNKNOWN_TOPIC: topic " + topic + " does not exist");
  }

  /**
   * Routing for one topic. With a single node every leader is the node we bootstrapped from, so we
   * keep using that address: the node's advertised host may not be reachable under that name from
   * here (e.g. 0.0.0.0 or a container hostname).
   */
  static TopicRoute routeOf(TopicMetadata topic, MetadataResponse response, String bootstrapAddress) {
    Map<Integer, String> addressByNode = new HashMap<>();
    for (NodeInfo node : response.getNodesList()) {
      addressByNode.put(node.getId(), node.getHost() + ":" + node.getPort());
    }
    boolean singleNode = addressByNode.size() <= 1;
    Map<Integer, String> leaders = new HashMap<>();
    for (PartitionMetadata p : topic.getPartitionsList()) {
      String address = singleNode ? null : addressByNode.get(p.getLeaderId());
      leaders.put(p.getPartition(), address == null ? bootstrapAddress : address);
    }
    return new TopicRoute(topic.getPartitionsCount(), Map.copyOf(leaders));
  }
}
