package dev.runnel.raft;

import dev.runnel.proto.internal.AlterTopicConfigsCommand;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.ControllerResult;
import dev.runnel.proto.internal.ControllerSnapshot;
import dev.runnel.proto.internal.HeartbeatCommand;
import dev.runnel.proto.internal.NamedProducer;
import dev.runnel.proto.internal.NodeRecord;
import dev.runnel.proto.internal.PartitionAssignment;
import dev.runnel.proto.internal.ReassignPartitionCommand;
import dev.runnel.proto.internal.RegisterNodeCommand;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.v1.ErrorReason;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's state: nodes, topics with their replica placement, and committed group
 * offsets. A pure class (no Raft, no I/O):
 * {@link #apply} is called by the controller state machine on its apply thread, the only writer;
 * readers on other threads see immutable topic maps and concurrent offset maps.
 *
 * <p>Commands are validated again here although the node validated them before submitting: two
 * nodes may race to create the same topic, and only the log order decides who wins.
 */
public final class ClusterMetadata {
  private volatile SortedMap<String, TopicRecord> topics = Collections.emptySortedMap();
  private volatile SortedMap<Integer, NodeRecord> nodes = Collections.emptySortedMap();
  private volatile String clusterId = "";
  /** Each registered node's last heartbeat, on the sender's clock. */
  private final Map<Integer, Long> lastHeartbeatMs = new ConcurrentHashMap<>();
  /** Apply thread only, and snapshots (taken on it, or under the state machine's lock on this object). */
  private long lastProducerId;
  private final Map<String, NamedProducer> namedProducers = new TreeMap<>();

  public SortedMap<String, TopicRecord> topics() {
    return topics;
  }

  /** The cluster's id: the one the first node to register brought; "" before that. */
  public String clusterId() {
    return clusterId;
  }

  /** Registered nodes by id. */
  public SortedMap<Integer, NodeRecord> nodes() {
    return nodes;
  }

  /** The last heartbeat (sender's clock, ms) of each node that sent one; nodes register with one. */
  public Map<Integer, Long> lastHeartbeatsMs() {
    return Collections.unmodifiableMap(lastHeartbeatMs);
  }

  public Optional<TopicRecord> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  public ControllerResult apply(ControllerCommand command) {
    switch (command.getCommandCase()) {
      case CREATE_TOPIC:
        return createTopic(command.getCreateTopic().getTopic());
      case DELETE_TOPIC:
        return deleteTopic(command.getDeleteTopic().getName());
      case REGISTER_NODE:
        return registerNode(command.getRegisterNode());
      case ALTER_TOPIC_CONFIGS:
        return alterTopicConfigs(command.getAlterTopicConfigs());
      case INIT_PRODUCER:
        return initProducer(command.getInitProducer().getProducerName());
      case REASSIGN_PARTITION:
        return reassignPartition(command.getReassignPartition());
      case HEARTBEAT:
        return heartbeat(command.getHeartbeat());
      case COMMIT_OFFSETS:
      case DELETE_GROUP_OFFSETS:
        // Group offsets live in __consumer_offsets now; these entries, from controller logs of
        // earlier versions, are skipped (their offsets are not carried over).
        return ControllerResult.getDefaultInstance();
      default:
        throw new IllegalStateException("unknown controller command " + command.getCommandCase());
    }
  }

  /**
   * A new producer id for an unnamed producer; for a named one, its id with the next epoch (a new
   * id once the epoch would overflow the batch header's 16 bits).
   */
  private ControllerResult initProducer(String name) {
    NamedProducer known = name.isEmpty() ? null : namedProducers.get(name);
    NamedProducer next;
    if (known != null && known.getProducerEpoch() < Short.MAX_VALUE) {
      next = known.toBuilder().setProducerEpoch(known.getProducerEpoch() + 1).build();
    } else {
      lastProducerId++;
      next = NamedProducer.newBuilder().setName(name).setProducerId(lastProducerId).build();
    }
    if (!name.isEmpty()) {
      namedProducers.put(name, next);
    }
    return ControllerResult.newBuilder()
        .setProducerId(next.getProducerId())
        .setProducerEpoch(next.getProducerEpoch())
        .build();
  }

  private ControllerResult reassignPartition(ReassignPartitionCommand reassign) {
    TopicRecord topic = topics.get(reassign.getTopic());
    if (topic == null) {
      return error(ErrorReason.UNKNOWN_TOPIC, "topic '" + reassign.getTopic() + "' does not exist");
    }
    if (reassign.getPartition() < 0 || reassign.getPartition() >= topic.getPartitions()) {
      return error(
          ErrorReason.UNKNOWN_PARTITION,
          "topic '" + topic.getName() + "' has no partition " + reassign.getPartition());
    }
    for (int replica : reassign.getReplicasList()) {
      if (!nodes.containsKey(replica)) {
        return error(ErrorReason.INVALID_REPLICATION_FACTOR, "node " + replica + " is not registered");
      }
    }
    TopicRecord.Builder altered = topic.toBuilder();
    altered.setAssignments(
        reassign.getPartition(), PartitionAssignment.newBuilder().addAllReplicas(reassign.getReplicasList()));
    TreeMap<String, TopicRecord> next = new TreeMap<>(topics);
    next.put(topic.getName(), altered.build());
    topics = Collections.unmodifiableSortedMap(next);
    return ControllerResult.newBuilder().setTopic(altered.build()).build();
  }

  private ControllerResult alterTopicConfigs(AlterTopicConfigsCommand alter) {
    TopicRecord topic = topics.get(alter.getName());
    if (topic == null) {
      return error(ErrorReason.UNKNOWN_TOPIC, "topic '" + alter.getName() + "' does not exist");
    }
    TopicRecord altered = topic.toBuilder().clearConfigs().putAllConfigs(alter.getConfigsMap()).build();
    TreeMap<String, TopicRecord> next = new TreeMap<>(topics);
    next.put(altered.getName(), altered);
    topics = Collections.unmodifiableSortedMap(next);
    return ControllerResult.newBuilder().setTopic(altered).build();
  }

  private ControllerResult heartbeat(HeartbeatCommand heartbeat) {
    if (!nodes.containsKey(heartbeat.getNodeId())) {
      return error(ErrorReason.INVALID_REQUEST, "node " + heartbeat.getNodeId() + " is not registered");
    }
    // Heartbeats of one node may commit out of order (a retried one after a newer one).
    lastHeartbeatMs.merge(heartbeat.getNodeId(), heartbeat.getSentMs(), Math::max);
    return ControllerResult.getDefaultInstance();
  }

  private ControllerResult registerNode(RegisterNodeCommand register) {
    if (clusterId.isEmpty()) {
      clusterId = register.getClusterId();
    }
    NodeRecord node = register.getNode();
    TreeMap<Integer, NodeRecord> next = new TreeMap<>(nodes);
    next.put(node.getId(), node);
    nodes = Collections.unmodifiableSortedMap(next);
    if (register.getHeartbeatMs() > 0) {
      lastHeartbeatMs.merge(node.getId(), register.getHeartbeatMs(), Math::max);
    }
    return ControllerResult.getDefaultInstance();
  }

  private ControllerResult createTopic(TopicRecord topic) {
    if (topics.containsKey(topic.getName())) {
      return error(ErrorReason.TOPIC_ALREADY_EXISTS, "topic '" + topic.getName() + "' already exists");
    }
    String placementProblem = checkAssignments(topic);
    if (placementProblem != null) {
      return error(ErrorReason.INVALID_REPLICATION_FACTOR, placementProblem);
    }
    TreeMap<String, TopicRecord> next = new TreeMap<>(topics);
    next.put(topic.getName(), topic);
    topics = Collections.unmodifiableSortedMap(next);
    return ControllerResult.newBuilder().setTopic(topic).build();
  }

  /** Why the topic's replica placement is unusable, or null when it is fine. */
  private String checkAssignments(TopicRecord topic) {
    if (topic.getAssignmentsCount() != topic.getPartitions()) {
      return "topic '" + topic.getName() + "' needs one replica list per partition";
    }
    for (var assignment : topic.getAssignmentsList()) {
      if (assignment.getReplicasCount() != topic.getReplicationFactor()
          || assignment.getReplicasList().stream().distinct().count() != assignment.getReplicasCount()) {
        return "every partition needs " + topic.getReplicationFactor() + " distinct replicas";
      }
      for (int replica : assignment.getReplicasList()) {
        if (!nodes.containsKey(replica)) {
          return "replica on unknown node " + replica;
        }
      }
    }
    return null;
  }

  private ControllerResult deleteTopic(String name) {
    if (!topics.containsKey(name)) {
      return error(ErrorReason.UNKNOWN_TOPIC, "topic '" + name + "' does not exist");
    }
    TreeMap<String, TopicRecord> next = new TreeMap<>(topics);
    TopicRecord removed = next.remove(name);
    topics = Collections.unmodifiableSortedMap(next);
    return ControllerResult.newBuilder().setTopic(removed).build();
  }

  private static ControllerResult error(ErrorReason reason, String message) {
    return ControllerResult.newBuilder()
        .setErrorReason(reason.name())
        .setErrorMessage(message)
        .build();
  }

  public ControllerSnapshot toSnapshot() {
    ControllerSnapshot.Builder snapshot =
        ControllerSnapshot.newBuilder()
            .setClusterId(clusterId)
            .addAllTopics(topics.values())
            .addAllNodes(nodes.values())
            .setLastProducerId(lastProducerId)
            .addAllNamedProducers(namedProducers.values());
    new TreeMap<>(lastHeartbeatMs)
        .forEach(
            (id, ms) -> snapshot.addHeartbeats(HeartbeatCommand.newBuilder().setNodeId(id).setSentMs(ms)));
    return snapshot.build();
  }

  public void restore(ControllerSnapshot snapshot) {
    TreeMap<String, TopicRecord> next = new TreeMap<>();
    snapshot.getTopicsList().forEach(t -> next.put(t.getName(), t));
    topics = Collections.unmodifiableSortedMap(next);
    TreeMap<Integer, NodeRecord> restoredNodes = new TreeMap<>();
    snapshot.getNodesList().forEach(n -> restoredNodes.put(n.getId(), n));
    nodes = Collections.unmodifiableSortedMap(restoredNodes);
    clusterId = snapshot.getClusterId();
    lastProducerId = snapshot.getLastProducerId();
    namedProducers.clear();
    snapshot.getNamedProducersList().forEach(p -> namedProducers.put(p.getName(), p));
    lastHeartbeatMs.clear();
    snapshot.getHeartbeatsList().forEach(h -> lastHeartbeatMs.put(h.getNodeId(), h.getSentMs()));
  }
}
