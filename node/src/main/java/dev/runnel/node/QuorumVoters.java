package dev.runnel.node;

import dev.runnel.raft.RaftIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.ratis.protocol.RaftPeer;

/**
 * The controller quorum, as {@code controller.quorum.voters} names it (Kafka's format): a comma
 * separated list of {@code id@host:raftPort}. Empty means a quorum of this node alone. A node not in
 * the list is a non-voter: it keeps a local copy of the metadata as a listener of the group.
 */
final class QuorumVoters {
  private QuorumVoters() {}

  static List<RaftPeer> parse(String spec, int selfId, String selfHost, int selfRaftPort) {
    if (spec.isBlank()) {
      return List.of(RaftIds.peer(selfId, selfHost, selfRaftPort, 0));
    }
    List<RaftPeer> voters = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (String entry : spec.split(",")) {
      String voter = entry.trim();
      int at = voter.indexOf('@');
      int colon = voter.lastIndexOf(':');
      if (at <= 0 || colon <= at + 1 || colon == voter.length() - 1) {
        throw new IllegalArgumentException(
            "controller.quorum.voters: '" + voter + "' is not id@host:port");
      }
      int id;
      int port;
      try {
        id = Integer.parseInt(voter.substring(0, at));
        port = Integer.parseInt(voter.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "controller.quorum.voters: '" + voter + "' is not id@host:port");
      }
      if (!ids.add(id)) {
        throw new IllegalArgumentException("controller.quorum.voters names node " + id + " twice");
      }
      voters.add(RaftIds.peer(id, voter.substring(at + 1, colon), port, 0));
    }
    if (voters.size() % 2 == 0) {
      throw new IllegalArgumentException(
          "controller.quorum.voters has "
              + voters.size()
              + " voters; use an odd number (1, 3 or 5) so a majority survives a failure");
    }
    // A node not named here follows the controller group as a Ratis listener (RaftHost).
    return List.copyOf(voters);
  }
}
