package dev.runnel.node;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which registered nodes are alive: those whose last heartbeat, as the controller recorded it, is
 * at most {@code sessionTimeoutMs} old. Pure: the caller passes the heartbeats and the time.
 *
 * <p>Heartbeats carry the sender's clock and are judged on the reader's, so clocks that disagree
 * by more than the session timeout minus the heartbeat interval misjudge liveness (run NTP, as
 * for any cluster).
 */
public final class NodeLiveness {
  private final long sessionTimeoutMs;

  public NodeLiveness(long sessionTimeoutMs) {
    if (sessionTimeoutMs <= 0) {
      throw new IllegalArgumentException("node.session.timeout.ms must be > 0, got " + sessionTimeoutMs);
    }
    this.sessionTimeoutMs = sessionTimeoutMs;
  }

  /** True when {@code nodeId} heartbeated within the session timeout before {@code nowMs}. */
  public boolean isLive(int nodeId, Map<Integer, Long> lastHeartbeatsMs, long nowMs) {
    Long last = lastHeartbeatsMs.get(nodeId);
    return last != null && nowMs - last <= sessionTimeoutMs;
  }

  /** The live ones among {@code registered}, in id order. */
  public SortedSet<Integer> live(Iterable<Integer> registered, Map<Integer, Long> lastHeartbeatsMs, long nowMs) {
    SortedSet<Integer> live = new TreeSet<>();
    for (int id : registered) {
      if (isLive(id, lastHeartbeatsMs, nowMs)) {
        live.add(id);
      }
    }
    return live;
  }

  public long sessionTimeoutMs() {
    return sessionTimeoutMs;
  }
}
