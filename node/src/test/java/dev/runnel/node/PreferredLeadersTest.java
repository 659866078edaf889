package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.ElectPreferredLeadersResponse;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.PartitionDescription;
import dev.runnel.proto.v1.PreferredLeaderElection;
import dev.runnel.proto.v1.PreferredLeaderElection.Outcome;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.RunnelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cluster elect-preferred-leaders`: leadership moves to each partition's first replica on request. */
class PreferredLeadersTest {
  private static final String TOPIC = "led";
  private static final int PARTITIONS = 3;

  @TempDir Path root;

  @Test
  void leadershipMovesToThePreferredLeaderOnRequestAndFailsClearlyWhileItIsDown() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).startAll()) {
      int victim;
      try (Admin first = Admin.create(cluster.bootstrap(1))) {
        first.createTopic(TOPIC, PARTITIONS, 3, Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> allLedBy(first, true));
        assertNoFailure(first.electPreferredLeaders(TOPIC, 60_000));
        victim = preferredOf(first, 1);
      }
      // Ask a node that stays up.
      Admin admin = Admin.create(cluster.bootstrap(victim == 1 ? 2 : 1));
      cluster.stop(victim);
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderOf(admin, 1) >= 1 && leaderOf(admin, 1) != victim);

      ElectPreferredLeadersResponse whileDown = admin.electPreferredLeaders(TOPIC, 60_000);
      assertEquals(PARTITIONS, whileDown.getElectionsCount());
      for (PreferredLeaderElection e : whileDown.getElectionsList()) {
        if (e.getPreferredLeader() == victim) {
          assertEquals(Outcome.FAILED, e.getOutcome(), "partition " + e.getPartition() + "'s preferred leader is down");
          assertFalse(e.getError().isEmpty());
        } else {
          assertTrue(e.getOutcome() != Outcome.FAILED, e.toString());
        }
      }

      cluster.start(victim);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> admin.electPreferredLeaders(TOPIC, 60_000).getElectionsList().stream()
              .noneMatch(e -> e.getOutcome() == Outcome.FAILED));
      assertTrue(allLedBy(admin, true), "every partition is led by its preferred leader");

      RunnelException unknown = assertThrows(RunnelException.class, () -> admin.electPreferredLeaders("nope", 10_000));
      assertEquals(ErrorReason.UNKNOWN_TOPIC, unknown.reason());
      admin.close();
    }
  }

  private static void assertNoFailure(ElectPreferredLeadersResponse response) {
    assertEquals(PARTITIONS, response.getElectionsCount());
    for (PreferredLeaderElection e : response.getElectionsList()) {
      assertTrue(e.getOutcome() == Outcome.ALREADY_PREFERRED || e.getOutcome() == Outcome.MOVED, e.toString());
    }
  }

  private static boolean allLedBy(Admin admin, boolean preferred) {
    for (PartitionDescription p : admin.describeTopic(TOPIC).getPartitionsList()) {
      if ((p.getLeaderId() == p.getReplicas(0)) != preferred) {
        return false;
      }
    }
    return true;
  }

  private static int preferredOf(Admin admin, int partition) {
    return admin.describeTopic(TOPIC).getPartitions(partition).getReplicas(0);
  }

  private static int leaderOf(Admin admin, int partition) {
    return admin.describeTopic(TOPIC).getPartitions(partition).getLeaderId();
  }
}
