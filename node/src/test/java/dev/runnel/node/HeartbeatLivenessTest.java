package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.NodeStatus;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.RunnelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness comes from heartbeats committed to the controller: a stopped node shows dead once its
 * session times out, gets no new replicas meanwhile, and shows alive again after a restart.
 */
class HeartbeatLivenessTest {
  @TempDir Path root;

  @Test
  void stoppedNodeShowsDeadGetsNoNewReplicasAndComesBackAlive() throws Exception {
    try (LocalCluster cluster =
        new LocalCluster(root, 3)
            .with("node.heartbeat.interval.ms", "200")
            .with("node.session.timeout.ms", "4000")
            .startAll()) {
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> alive(admin).equals(Set.of(1, 2, 3)));

        cluster.stop(3);
        await().atMost(Duration.ofSeconds(60)).until(() -> alive(admin).equals(Set.of(1, 2)));
        NodeStatus dead =
            admin.describeCluster().getNodesList().stream().filter(n -> n.getId() == 3).findFirst().orElseThrow();
        assertEquals(0, dead.getLeaders(), "a dead node leads nothing as far as anyone knows");

        // Placement only uses live nodes.
        RunnelException tooMany =
            assertThrows(RunnelException.class, () -> admin.createTopic("rf3", 1, 3, Map.of()));
        assertEquals(ErrorReason.INVALID_REPLICATION_FACTOR, tooMany.reason());
        assertTrue(tooMany.getMessage().contains("2 live node(s)"), tooMany.getMessage());
        TopicDescription placed = admin.createTopic("rf2", 4, 2, Map.of());
        for (var p : placed.getPartitionsList()) {
          assertFalse(p.getReplicasList().contains(3), "no replica on the dead node: " + p.getReplicasList());
        }

        cluster.start(3);
        await().atMost(Duration.ofSeconds(60)).until(() -> alive(admin).equals(Set.of(1, 2, 3)));
        assertEquals(3, admin.createTopic("rf3-again", 1, 3, Map.of()).getPartitions(0).getReplicasCount());
      }
    }
  }

  private static Set<Integer> alive(Admin admin) {
    return admin.describeCluster().getNodesList().stream()
        .filter(NodeStatus::getAlive)
        .map(NodeStatus::getId)
        .collect(Collectors.toSet());
  }
}
