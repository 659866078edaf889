package dev.runnel.raft;

import com.google.protobuf.MessageLite;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.util.TimeDuration;

/**
 * Reads another replica's state: for a replica catching up by snapshot, and for one repairing a
 * damaged batch. Runnel's Raft servers do not ship snapshot files: the leader only notifies a
 * follower whose log it purged, and the follower's state machine pulls what it misses (see
 * RaftSettings). A read is a stale read sent with Ratis' own client over the Raft port, which the
 * answering replica's state machine serves in {@code query}: any replica's state is committed
 * data, so it need not be the leader's.
 */
final class ReplicaReader implements Closeable {
  /** Catch-ups run off Ratis' threads; they are rare, so threads are created on demand. */
  static final ExecutorService EXECUTOR =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "runnel-catch-up");
            thread.setDaemon(true);
            return thread;
          });

  /** A catch-up's copy from another replica: answers the Raft position the copied state reflects. */
  interface Copy {
    TermIndex run() throws Exception;
  }

  /**
   * Runs a state machine's answer to Ratis' notifyInstallSnapshotFromLeader. Ratis 3.3.0 finishes
   * such an install (reloads the state machine, answers SNAPSHOT_INSTALLED, stops refusing appends
   * as "install in progress") only while it handles a leader's notice, and a leader sends notices
   * only to a follower whose log ends before the leader's first entry. A follower whose own log
   * already reaches that entry (it was told to install because the leader's view of it was stale,
   * e.g. right after it restarted) gets no second notice: it stayed "installing" forever, and a
   * stuck controller replica kept its node from registering. For such a follower the copy runs
   * within the notice's own call, so Ratis finishes the install before it answers; the copy is
   * then short, as the follower is close to the leader. Otherwise it runs here, off Ratis'
   * threads, and a later notice finishes it.
   */
  static CompletableFuture<TermIndex> catchUp(
      RaftServer server, RaftGroupId groupId, TermIndex leaderFirst, Copy copy) {
    boolean reachesLeaderLog;
    try {
      reachesLeaderLog =
          leaderFirst != null
              && server.getDivision(groupId).getRaftLog().getNextIndex() >= leaderFirst.getIndex();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    Supplier<TermIndex> run =
        () -> {
          try {
            return copy.run();
          } catch (Exception e) {
            throw e instanceof CompletionException c ? c : new CompletionException(e);
          }
        };
    if (reachesLeaderLog) {
      try {
        return CompletableFuture.completedFuture(run.get());
      } catch (CompletionException e) {
        return CompletableFuture.failedFuture(e.getCause());
      }
    }
    return CompletableFuture.supplyAsync(run, EXECUTOR);
  }

  private static final int ATTEMPTS = 10;
  private static final long RETRY_SLEEP_MS = 500;

  private final RaftClient client;
  private final RaftPeerId source;

  private ReplicaReader(RaftClient client, RaftPeerId source) {
    this.client = client;
    this.source = source;
  }

  /** A reader of {@code groupId}'s replica on the leader named in a snapshot notification. */
  static ReplicaReader ofLeader(RaftServer server, RaftGroupId groupId, RoleInfoProto roleInfo) {
    // The notification names the leader with its address; the local group configuration may
    // still be empty right after a restart.
    RaftPeerProto leaderProto = roleInfo.getFollowerInfo().getLeaderInfo().getId();
    return of(
        server,
        groupId,
        RaftPeer.newBuilder()
            .setId(RaftPeerId.valueOf(leaderProto.getId()))
            .setAddress(leaderProto.getAddress())
            .build());
  }

  /** A reader of {@code groupId}'s replica on {@code source}. */
  static ReplicaReader of(RaftServer server, RaftGroupId groupId, RaftPeer source) {
    RaftClient client =
        RaftClient.newBuilder()
            .setProperties(server.getProperties())
            .setRaftGroup(RaftGroup.valueOf(groupId, source))
            .setClientId(ClientId.randomId())
            .setRetryPolicy(
                RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                    ATTEMPTS, TimeDuration.valueOf(RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
            .build();
    return new ReplicaReader(client, source.getId());
  }

  RaftPeerId source() {
    return source;
  }

  /** Sends a read-only query to the source replica and returns its state machine's answer. */
  ByteBuffer query(MessageLite request) throws IOException {
    RaftClientReply reply = client.io().sendStaleRead(RaftMessages.of(request), 0, source);
    if (!reply.isSuccess()) {
      throw new IOException("replica " + source + " did not answer", reply.getException());
    }
    return RaftMessages.bytes(reply.getMessage());
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
