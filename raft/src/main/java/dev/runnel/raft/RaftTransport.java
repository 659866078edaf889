package dev.runnel.raft;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;

/**
 * Ratis' gRPC transport with one leader-side correction, named in the Raft properties so that
 * every server and client Runnel builds uses it ({@link RaftSettings#toProperties()}).
 *
 * <p>The correction: Ratis 3.3.0's leader decides to notify a follower to install a snapshot when
 * the follower's next index is exactly the leader's log start and the leader cannot name the
 * entry before it (it is neither in the leader's log nor the leader's latest snapshot, because
 * the leader has snapshotted past it since). A follower whose own snapshot ends exactly there
 * answers ALREADY_INSTALLED without asking its state machine, the leader sets the follower's next
 * index back to the same place and notifies again: a livelock that lasted until the leader's log
 * start moved, minutes for the controller group (seen in ClusterFaultTest as "cannot register with
 * the controller" after a restart). Once the follower has reported that snapshot index, Ratis'
 * own append path already knows how to go on: it sends the entries from the log start without a
 * previous entry, which is safe because the follower's snapshot is committed state, the same on
 * every replica. The appender here skips the notice in exactly that case and lets the entries go.
 */
public final class RaftTransport implements RpcType {
  /** Ratis builds the type from its name by reflection, so it needs this constructor. */
  public RaftTransport() {}

  @Override
  public String name() {
    return RaftTransport.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  private static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  private static final class Appender extends GrpcLogAppender {
    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    @Override
    public boolean shouldInstallSnapshot(boolean notify) {
      if (followerSnapshotEndsBeforeLogStart(getFollower(), getRaftLog())) {
        return false;
      }
      return super.shouldInstallSnapshot(notify);
    }
  }

  /**
   * Whether the follower has told this leader that its snapshot ends exactly before the leader's
   * first log entry, and is to receive entries from there: then the entries, not a snapshot
   * notice, are what it needs.
   */
  private static boolean followerSnapshotEndsBeforeLogStart(FollowerInfo follower, RaftLog log) {
    long next = follower.getNextIndex();
    return next > 0
        && next == log.getStartIndex()
        && follower.getSnapshotIndex() == next - 1
        && next < log.getNextIndex();
  }
}
