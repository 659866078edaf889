package dev.runnel.raft;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Names of Raft groups. Ids are derived, not stored, so every node computes the same id for the
 * same thing: the controller group has one fixed id; a partition's group id comes from the
 * topic's id (a UUID minted at creation) and the partition number, so a topic deleted and created
 * again under the same name gets fresh groups and never sees the old data.
 */
public final class RaftIds {
  public static final RaftGroupId CONTROLLER_GROUP =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("runnel/controller".getBytes(StandardCharsets.UTF_8)));

  private RaftIds() {}

  /** A node's Raft peer id. */
  public static RaftPeerId peerId(int nodeId) {
    return RaftPeerId.valueOf("n" + nodeId);
  }

  /** The node id behind a Raft peer id made by {@link #peerId}. */
  public static int nodeIdOf(RaftPeerId peerId) {
    return Integer.parseInt(peerId.toString().substring(1));
  }

  /** A node as a Raft peer; a higher priority makes it the preferred leader of the group. */
  public static RaftPeer peer(int nodeId, String host, int raftPort, int priority) {
    return RaftPeer.newBuilder()
        .setId(peerId(nodeId))
        .setAddress(host + ":" + raftPort)
        .setPriority(priority)
        .build();
  }

  public static RaftGroupId partitionGroup(String topicId, int partition) {
    String name = "runnel/partition/" + topicId + "/" + partition;
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
  }
}
