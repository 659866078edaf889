package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.RunnelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller without quorum for longer than a node's controller client retries (50 × 200 ms):
 * the request fails, and once the quorum is back the node reaches the controller again. Ratis'
 * ordered client used to fail every later request too ("client-…->RAFT is closed"), which left
 * the node unable to create topics, hand out producer ids or report liveness until a restart
 * (seen as a produce that never finished in LocalClusterScriptIT).
 */
class ControllerQuorumLossTest {
  /** Longer than the controller client's retries (50 × 200 ms, plus the attempts themselves). */
  private static final long RETRIES_SPENT_MS = 15_000;

  @TempDir Path root;

  @Test
  void aNodeReachesTheControllerAgainAfterItsQuorumWasLostLongerThanItsRetries() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).startAll()) {
      cluster.stop(2);
      cluster.stop(3);
      long startNs = System.nanoTime();
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        assertThrows(RunnelException.class, () -> admin.createTopic("during", 1, 1, Map.of()));
      }
      // Nothing to observe from outside while the node's request retries; wait out its budget.
      long leftMs = RETRIES_SPENT_MS - (System.nanoTime() - startNs) / 1_000_000;
      if (leftMs > 0) {
        Thread.sleep(leftMs);
      }
      cluster.start(2);
      cluster.start(3);
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .ignoreException(RunnelException.class)
            .until(() -> created(admin, "after"));
        assertEquals(1, admin.describeTopic("after").getPartitionsCount());
      }
    }
  }

  /** Creates the topic; a retry that finds it created by an earlier attempt counts too. */
  private static boolean created(Admin admin, String topic) {
    try {
      admin.createTopic(topic, 1, 1, Map.of());
    } catch (RunnelException e) {
      if (e.reason() != ErrorReason.TOPIC_ALREADY_EXISTS) {
        throw e;
      }
    }
    return true;
  }
}
