package dev.runnel.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real Ratis servers on loopback with Runnel's Raft properties, and a state machine that only
 * counts entries, so every index is under the test's control (no node heartbeats commit entries
 * in between). It builds the state in which Ratis 3.3.0's leader livelocked: a follower whose
 * snapshot ends exactly before the leader's first log entry, on a leader whose own snapshot is
 * further on.
 */
class RaftTransportTest {
  private static final RaftGroupId GROUP = RaftGroupId.randomId();
  private static final long TIMEOUT_MS = 10_000;

  @TempDir Path root;

  private final List<RaftPeer> peers = new ArrayList<>();
  private final RaftServer[] servers = new RaftServer[3];
  private RaftClient client;

  @AfterEach
  void stopAll() throws IOException {
    if (client != null) {
      client.close();
    }
    for (RaftServer server : servers) {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void aFollowerWhoseSnapshotEndsJustBeforeTheLeadersLogStartReceivesEntries() throws Exception {
    for (int id = 1; id <= 3; id++) {
      peers.add(RaftIds.peer(id, "127.0.0.1", freePort(), 0));
    }
    for (int i = 0; i < 3; i++) {
      servers[i] = startServer(i);
    }
    client =
        RaftClient.newBuilder()
            .setProperties(properties(0))
            .setRaftGroup(RaftGroup.valueOf(GROUP, peers))
            .setClientId(ClientId.randomId())
            .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(50, TimeDuration.ONE_SECOND))
            .build();
    send(10);
    int firstLeader = leader();
    int follower = (firstLeader + 1) % 3;
    int nextLeader = (firstLeader + 2) % 3;

    // The follower stops with every entry applied; Runnel's properties take no snapshot on stop,
    // this test does, so the follower's snapshot is exactly its last entry E.
    long last = division(firstLeader).getRaftLog().getLastEntryTermIndex().getIndex();
    await().atMost(Duration.ofMillis(TIMEOUT_MS)).until(() -> applied(follower) == last);
    servers[follower].close();
    servers[follower] = null;

    // A new leader starts a new term at E + 1, which opens a new log segment on it; entries and a
    // snapshot later, the segment holding E is purged, so its log starts at E + 1 and its own
    // snapshot is past E: it cannot name the entry before its log start.
    assertTrue(client.admin().transferLeadership(peers.get(nextLeader).getId(), TIMEOUT_MS).isSuccess());
    send(5);
    assertTrue(client.getSnapshotManagementApi(peers.get(nextLeader).getId()).create(1, TIMEOUT_MS).isSuccess());
    await()
        .alias("the new leader's log starts right after the follower's snapshot")
        .atMost(Duration.ofMillis(TIMEOUT_MS))
        .until(() -> division(nextLeader).getRaftLog().getStartIndex() == last + 1);
    assertTrue(
        division(nextLeader).getStateMachine().getLatestSnapshot().getIndex() > last,
        "the leader's snapshot is past the follower's");

    // Before RaftTransport the returning follower got snapshot notices it answered with
    // ALREADY_INSTALLED, over and over, and no entries.
    servers[follower] = startServer(follower);
    send(3);
    long leaderApplied = applied(nextLeader);
    await()
        .alias("the returning follower applies the leader's entries")
        .atMost(Duration.ofMillis(TIMEOUT_MS))
        .until(() -> applied(follower) >= leaderApplied);
    assertEquals(
        division(nextLeader).getRaftLog().getLastEntryTermIndex(),
        division(follower).getRaftLog().getLastEntryTermIndex());
  }

  private RaftProperties properties(int server) {
    RaftSettings settings =
        new RaftSettings(
            server + 1,
            "127.0.0.1",
            port(server),
            root.resolve("n" + (server + 1)),
            300,
            600,
            64 << 10,
            1_000_000,
            1 << 20,
            true,
            true,
            false);
    RaftProperties properties = settings.toProperties();
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, true);
    return properties;
  }

  private int port(int server) {
    String address = peers.get(server).getAddress();
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private RaftServer startServer(int server) throws IOException {
    RaftServer raftServer =
        RaftServer.newBuilder()
            .setServerId(peers.get(server).getId())
            .setGroup(RaftGroup.valueOf(GROUP, peers))
            .setProperties(properties(server))
            .setStateMachine(new CountingStateMachine())
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    raftServer.start();
    return raftServer;
  }

  private RaftServer.Division division(int server) throws IOException {
    return servers[server].getDivision(GROUP);
  }

  private long applied(int server) throws IOException {
    return division(server).getInfo().getLastAppliedIndex();
  }

  private int leader() throws IOException {
    RaftPeerId leaderId = client.getLeaderId();
    for (int i = 0; i < 3; i++) {
      if (peers.get(i).getId().equals(leaderId)) {
        return i;
      }
    }
    throw new AssertionError("no known leader");
  }

  private void send(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      assertTrue(client.io().send(Message.valueOf("entry-" + i)).isSuccess());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Applies by counting; a snapshot is an empty file named by its term and index. */
  private static final class CountingStateMachine extends BaseStateMachine {
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
      super.initialize(server, groupId, raftStorage);
      storage.init(raftStorage);
      SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
      if (snapshot != null) {
        updateLastAppliedTermIndex(snapshot.getTermIndex());
      }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
      return storage;
    }

    @Override
    public long takeSnapshot() throws IOException {
      TermIndex applied = getLastAppliedTermIndex();
      File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
      Files.createFile(file.toPath());
      storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), null), applied));
      return applied.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      LogEntryProto entry = trx.getLogEntry();
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }
}
