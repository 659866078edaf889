package dev.runnel.raft;

import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.ControllerResult;
import dev.runnel.proto.internal.ControllerSnapshot;
import dev.runnel.proto.internal.ControllerSnapshotAt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller group's state machine: cluster metadata (topics, committed offsets) kept in
 * memory as {@link ClusterMetadata} and snapshotted as one protobuf file. The metadata is small,
 * so a snapshot is a full copy and a restart loads it and replays the log after it. A replica that
 * was away while the leader purged its log catches up by asking the leader for its metadata (a
 * stale read answered by {@link #query}) and recording that as its snapshot.
 */
public final class ControllerStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerStateMachine.class);
  private final SimpleStateMachineStorage snapshotStorage = new SimpleStateMachineStorage();
  private final ClusterMetadata metadata = new ClusterMetadata();
  private final AtomicLong catchUps = new AtomicLong();
  private final List<Runnable> topicListeners = new CopyOnWriteArrayList<>();
  /** Futures waiting for the local copy to reach a log index, by index. */
  private final NavigableMap<Long, List<CompletableFuture<Void>>> applyWaiters = new TreeMap<>();

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshotStorage.init(raftStorage);
    loadLatestSnapshot();
    StaleOpenSegment.removeBeforeLogOpens(server, raftStorage, snapshotStorage.getLatestSnapshot());
    StateMachineLifecycle.markRunning(getLifeCycle());
  }

  /** Ratis pauses the state machine before it reloads it from a caught-up snapshot. */
  @Override
  public void pause() {
    StateMachineLifecycle.markPaused(getLifeCycle());
  }

  /** After Ratis installed the leader's snapshot on this follower: take its metadata. */
  @Override
  public void reinitialize() throws IOException {
    loadLatestSnapshot();
    StateMachineLifecycle.markRunning(getLifeCycle());
  }

  private void loadLatestSnapshot() throws IOException {
    byte[] latest = SnapshotFiles.readLatest(snapshotStorage);
    if (latest != null) {
      TermIndex at = snapshotStorage.getLatestSnapshot().getTermIndex();
      synchronized (metadata) {
        metadata.restore(ControllerSnapshot.parseFrom(latest));
        setLastAppliedTermIndex(at);
      }
      topicListeners.forEach(Runnable::run);
      // Writes this node waits to see may be inside the snapshot: they will never be applied
      // one by one here.
      releaseWaiters(at.getIndex());
    }
  }

  /**
   * Completes once this replica has applied the log up to {@code index}: a node that submitted a
   * command through the leader reads its own write locally after this.
   */
  public CompletableFuture<Void> whenApplied(long index) {
    CompletableFuture<Void> applied = new CompletableFuture<>();
    synchronized (applyWaiters) {
      TermIndex last = getLastAppliedTermIndex();
      if (last != null && last.getIndex() >= index) {
        return CompletableFuture.completedFuture(null);
      }
      applyWaiters.computeIfAbsent(index, i -> new ArrayList<>()).add(applied);
    }
    return applied;
  }

  private void releaseWaiters(long appliedIndex) {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (applyWaiters) {
      var head = applyWaiters.headMap(appliedIndex, true);
      head.values().forEach(ready::addAll);
      head.clear();
    }
    ready.forEach(f -> f.complete(null));
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    super.notifyTermIndexUpdated(term, index);
    releaseWaiters(index);
  }

  /** How many times this replica caught up by copying the leader's metadata since it started. */
  public long catchUps() {
    return catchUps.get();
  }

  public ClusterMetadata metadata() {
    return metadata;
  }

  /** Runs {@code listener} (on the apply thread; keep it quick) after every change of topics. */
  public void addTopicListener(Runnable listener) {
    topicListeners.add(listener);
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return snapshotStorage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    ControllerCommand command;
    try {
      command =
          ControllerCommand.parseFrom(
              entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    } catch (IOException e) {
      throw new IllegalStateException("undecodable controller entry " + entry.getIndex(), e);
    }
    ControllerResult result;
    synchronized (metadata) {
      result = metadata.apply(command);
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    }
    // Heartbeats (and skipped legacy offset commands) change no topic or placement: no reconcile pass.
    if (result.getErrorReason().isEmpty()
        && command.getCommandCase() != ControllerCommand.CommandCase.HEARTBEAT
        && command.getCommandCase() != ControllerCommand.CommandCase.COMMIT_OFFSETS
        && command.getCommandCase() != ControllerCommand.CommandCase.DELETE_GROUP_OFFSETS) {
      topicListeners.forEach(Runnable::run);
    }
    releaseWaiters(entry.getIndex());
    return CompletableFuture.completedFuture(RaftMessages.of(result));
  }

  /** Answers a replica catching up from this one with this replica's metadata and position. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    ControllerSnapshotAt.Builder answer = ControllerSnapshotAt.newBuilder();
    synchronized (metadata) {
      TermIndex applied = getLastAppliedTermIndex();
      if (applied == null) {
        return CompletableFuture.failedFuture(new IOException("nothing applied yet"));
      }
      answer
          .setAppliedTerm(applied.getTerm())
          .setAppliedIndex(applied.getIndex())
          .setSnapshot(metadata.toSnapshot());
    }
    return CompletableFuture.completedFuture(RaftMessages.of(answer.build()));
  }

  /**
   * The leader purged the entries this replica needs: take the leader's metadata as this replica's
   * snapshot. Ratis then reloads the state machine from it ({@link #reinitialize}). See {@link
   * ReplicaReader#catchUp} for where the copy runs.
   */
  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
      RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
    try {
      return ReplicaReader.catchUp(
          getServer().get(), getGroupId(), firstTermIndexInLog, () -> copyFromLeader(roleInfo));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    } catch (ExecutionException e) {
      return CompletableFuture.failedFuture(e.getCause());
    }
  }

  private TermIndex copyFromLeader(RoleInfoProto roleInfo) throws IOException, InterruptedException, ExecutionException {
    try (ReplicaReader reader = ReplicaReader.ofLeader(getServer().get(), getGroupId(), roleInfo)) {
      ControllerSnapshotAt copy =
          ControllerSnapshotAt.parseFrom(reader.query(ControllerSnapshotAt.getDefaultInstance()));
      TermIndex at = TermIndex.valueOf(copy.getAppliedTerm(), copy.getAppliedIndex());
      SnapshotFiles.write(snapshotStorage, at, copy.getSnapshot().toByteArray());
      LOG.info("controller: caught up from {} at {}", reader.source(), at);
      catchUps.incrementAndGet();
      return at;
    } catch (IOException | InterruptedException | ExecutionException e) {
      LOG.warn("controller: catching up failed, Ratis will ask again: {}", e.toString());
      throw e;
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex applied = getLastAppliedTermIndex();
    if (applied == null || applied.getIndex() < 0) {
      return -1;
    }
    // The apply thread is blocked while Ratis takes a snapshot, so this copy is consistent.
    SnapshotFiles.write(snapshotStorage, applied, metadata.toSnapshot().toByteArray());
    return applied.getIndex();
  }
}
