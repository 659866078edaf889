package dev.runnel.raft;

import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.ControllerResult;
import dev.runnel.proto.internal.ControllerSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;

/**
 * The controller group's state machine: cluster metadata (topics, committed offsets) kept in
 * memory as {@link ClusterMetadata} and snapshotted as one protobuf file. The metadata is small,
 * so a snapshot is a full copy and a restart loads it and replays the log after it.
 */
public final class ControllerStateMachine extends BaseStateMachine {
  private final SimpleStateMachineStorage snapshotStorage = new SimpleStateMachineStorage();
  private final ClusterMetadata metadata = new ClusterMetadata();
  private final List<Runnable> topicListeners = new CopyOnWriteArrayList<>();
  /** Futures waiting for the local copy to reach a log index, by index. */
  private final NavigableMap<Long, List<CompletableFuture<Void>>> applyWaiters = new TreeMap<>();

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshotStorage.init(raftStorage);
    loadLatestSnapshot();
    StateMachineLifecycle.markRunning(getLifeCycle());
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
      metadata.restore(ControllerSnapshot.parseFrom(latest));
      setLastAppliedTermIndex(snapshotStorage.getLatestSnapshot().getTermIndex());
      topicListeners.forEach(Runnable::run);
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
    ControllerResult result = metadata.apply(command);
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    if (result.getErrorReason().isEmpty()
        && command.getCommandCase() != ControllerCommand.CommandCase.COMMIT_OFFSETS) {
      topicListeners.forEach(Runnable::run);
    }
    releaseWaiters(entry.getIndex());
    return CompletableFuture.completedFuture(RaftMessages.of(result));
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
