package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeLivenessTest {
  private final NodeLiveness liveness = new NodeLiveness(9_000);

  @Test
  void aNodeIsLiveUpToTheSessionTimeoutAfterItsLastHeartbeat() {
    Map<Integer, Long> last = Map.of(1, 1_000L, 2, 5_000L);
    assertTrue(liveness.isLive(1, last, 10_000), "exactly the timeout: still live");
    assertFalse(liveness.isLive(1, last, 10_001));
    assertTrue(liveness.isLive(2, last, 10_001));
    assertFalse(liveness.isLive(3, last, 0), "never heartbeated: dead");
    assertEquals(Set.of(2), liveness.live(List.of(1, 2, 3), last, 10_001));
    // A heartbeat from a clock slightly ahead is not "in the future" trouble: still live.
    assertTrue(liveness.isLive(2, last, 4_000));
  }

  @Test
  void refusesANonPositiveTimeout() {
    assertThrows(IllegalArgumentException.class, () -> new NodeLiveness(0));
  }
}
