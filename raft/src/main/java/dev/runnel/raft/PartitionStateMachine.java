package dev.runnel.raft;

import com.google.protobuf.CodedInputStream;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.AppendBatchesCommand;
import dev.runnel.proto.internal.AppendOutcome;
import dev.runnel.proto.internal.AppendOutcomes;
import dev.runnel.proto.internal.AppendResult;
import dev.runnel.proto.internal.PartitionCommand;
import dev.runnel.proto.internal.ReplicaSyncChunk;
import dev.runnel.proto.internal.ReplicaSyncRequest;
import dev.runnel.storage.BatchHeader;
import dev.runnel.storage.DuplicateBatchException;
import dev.runnel.storage.LogConfig;
import dev.runnel.storage.OutOfOrderSequenceException;
import dev.runnel.storage.PartitionLog;
import dev.runnel.storage.ProducerEntry;
import dev.runnel.storage.ProducerFencedException;
import dev.runnel.storage.ReplicaChunk;
import dev.runnel.storage.StoredBatch;
import dev.runnel.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one partition's Raft group: a committed entry is either one client batch,
 * appended to the partition's LMDB log on the apply thread (the single writer of the partition),
 * which assigns its offsets; or a prefix truncation (retention, DeleteRecords), which moves the
 * log start offset identically on every replica. Reads do not go through Raft: they read the local {@link
 * PartitionLog}, which only ever holds committed data.
 *
 * <p>Where an append entry's bytes live: with {@link RaftSettings#payloadBesideLog} (the default)
 * the leader puts the command in the entry's state-machine data, which Ratis hands to {@link
 * Payloads} instead of writing it into its log; the Raft log then holds a small entry and the
 * {@link PayloadLog} the bytes. Otherwise (and for every other command) the bytes are the entry's
 * log data. Both kinds are applied alike, so a node may switch between the two.
 *
 * <p>Durability comes from the Raft log and the payload files beside it. LMDB runs without fsync;
 * a snapshot first forces LMDB to disk, then records the applied index, after which Ratis may
 * purge its log (and, at the next snapshot, the payloads of what it purged). On restart Ratis
 * replays the entries after the snapshot; entries LMDB already holds are skipped by index, so a
 * replay never appends a batch twice.
 *
 * <p>Catching up by snapshot: a replica that was away while the leader purged its Raft log gets a
 * notification instead of the entries. It then copies the batches it misses from the leader's log
 * (a stale read through {@link ReplicaReader}, answered by the leader's {@link #query}), takes on
 * the leader's applied position and records it as its snapshot. Applying waits while a catch-up
 * runs, so the two never interleave on the log.
 */
public final class PartitionStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionStateMachine.class);
  /** Where the partition's LMDB environment lives, inside the group's Ratis directory. */
  static final String LOG_DIR_NAME = "log";
  /** Where the payloads of the Raft entries live (see {@link PayloadLog}), beside LOG_DIR_NAME. */
  static final String PAYLOAD_DIR_NAME = "payload";
  /** Most bytes of batches in one catch-up read; stays well below the Raft transport's message limit. */
  private static final int CATCH_UP_CHUNK_BYTES = 4 << 20;

  private final SimpleStateMachineStorage snapshotStorage = new SimpleStateMachineStorage();
  private final LogConfig logConfig;
  private final RaftSettings raftSettings;
  private final Payloads payloadApi = new Payloads();
  private volatile PartitionLog log;
  private volatile PayloadLog payloads;
  /** Held by applyTransaction and by a catch-up, which must not interleave. */
  private final ReentrantLock writing = new ReentrantLock();
  private final AtomicLong catchUps = new AtomicLong();
  /** Repairs of damaged batches in progress, by base offset. */
  private final Map<Long, CompletableFuture<Boolean>> repairs = new HashMap<>();

  public PartitionStateMachine(LogConfig logConfig, RaftSettings raftSettings) {
    this.logConfig = logConfig;
    this.raftSettings = raftSettings;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshotStorage.init(raftStorage);
    Path root = raftStorage.getStorageDir().getRoot().toPath();
    Path dir = root.resolve(LOG_DIR_NAME);
    try {
      log = PartitionLog.open(dir, logConfig);
    } catch (StorageException e) {
      throw new IOException("cannot open the log of group " + groupId + " at " + dir, e);
    }
    payloads =
        PayloadLog.open(
            root.resolve(PAYLOAD_DIR_NAME), raftSettings.segmentBytesMax(), raftSettings.entryBytesMax());
    // Ratis replays the log from its latest snapshot and expects the applied index to start
    // there; entries LMDB already holds (it may be ahead of the snapshot) are skipped in apply.
    var snapshot = snapshotStorage.loadLatestSnapshot();
    if (snapshot != null) {
      setLastAppliedTermIndex(snapshot.getTermIndex());
    }
    PayloadlessTail.cut(
        raftStorage.getStorageDir().getCurrentDir().toPath(),
        payloads.lastIndex(),
        RaftServerConfigKeys.Log.Appender.bufferByteLimit(server.getProperties()));
    StaleOpenSegment.removeBeforeLogOpens(server, raftStorage, snapshot);
    StateMachineLifecycle.markRunning(getLifeCycle());
    LOG.debug(
        "partition group {} opened: next offset {}, last applied {}",
        groupId,
        log.nextOffset(),
        log.lastAppliedIndex());
  }

  /** Ratis pauses the state machine before it reloads it from a caught-up snapshot. */
  @Override
  public void pause() {
    StateMachineLifecycle.markPaused(getLifeCycle());
  }

  /**
   * Ratis calls this after a catch-up ({@link #notifyInstallSnapshotFromLeader}) recorded its
   * snapshot. The log must already hold everything up to the snapshot; a snapshot ahead of it would
   * leave a silent gap, so that is refused loudly.
   */
  @Override
  public void reinitialize() throws IOException {
    var snapshot = snapshotStorage.loadLatestSnapshot();
    if (snapshot != null) {
      setLastAppliedTermIndex(snapshot.getTermIndex());
    }
    if (snapshot != null && snapshot.getIndex() > log.lastAppliedIndex()) {
      throw new IOException(
          "group "
              + getGroupId()
              + " received a snapshot at index "
              + snapshot.getIndex()
              + " but its log only reaches "
              + log.lastAppliedIndex()
              + "; the snapshot did not come from a catch-up of this replica");
    }
    StateMachineLifecycle.markRunning(getLifeCycle());
  }

  /** The partition's log, for reads and capacity checks; null until the group is initialized. */
  public PartitionLog log() {
    return log;
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return snapshotStorage;
  }

  /**
   * Replaces the damaged batch stored at {@code baseOffset} with another replica's intact copy,
   * trying the other replicas in turn. Completes with true once repaired, false when no replica
   * had an intact copy or the batch was repaired already. Concurrent requests for the same batch
   * share one attempt, and only the request that started it completes with true.
   */
  public CompletableFuture<Boolean> repairBatch(long baseOffset) {
    synchronized (repairs) {
      CompletableFuture<Boolean> running = repairs.get(baseOffset);
      if (running != null) {
        // Joins the attempt under way; only its starter reports the repair, so it counts once.
        return running.thenApply(repaired -> false);
      }
      CompletableFuture<Boolean> repair =
          CompletableFuture.supplyAsync(() -> repairFromPeers(baseOffset), ReplicaReader.EXECUTOR);
      repairs.put(baseOffset, repair);
      repair.whenComplete(
          (ok, failure) -> {
            synchronized (repairs) {
              repairs.remove(baseOffset);
            }
          });
      return repair;
    }
  }

  private boolean repairFromPeers(long baseOffset) {
    RaftServer server;
    List<RaftPeer> peers;
    try {
      server = getServer().get();
      peers = new ArrayList<>(server.getDivision(getGroupId()).getGroup().getPeers());
    } catch (IOException | InterruptedException | ExecutionException e) {
      throw new CompletionException(e);
    }
    ReplicaSyncRequest request =
        ReplicaSyncRequest.newBuilder().setFromOffset(baseOffset).setMaxBytes(1).build();
    for (RaftPeer peer : peers) {
      if (peer.getId().equals(server.getId())) {
        continue;
      }
      try (ReplicaReader reader = ReplicaReader.of(server, getGroupId(), peer)) {
        ReplicaSyncChunk chunk = ReplicaSyncChunk.parseFrom(reader.query(request));
        if (chunk.getBatchesCount() > 0) {
          StoredBatch copy = StoredBatch.fromStoredBytes(chunk.getBatches(0).asReadOnlyByteBuffer());
          if (copy.header().baseOffset() == baseOffset) {
            return log.repairBatch(copy);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("group {}: replica {} could not provide batch {}: {}", getGroupId(), peer.getId(), baseOffset, e.toString());
      }
    }
    LOG.error("group {}: no replica has an intact copy of the batch at {}", getGroupId(), baseOffset);
    return false;
  }

  /** How many times this replica caught up by copying from another one since it was opened. */
  public long catchUps() {
    return catchUps.get();
  }

  /**
   * On the leader, an entry's command objects travel to {@link #applyTransaction} unparsed; with
   * payloads beside the log, the command's bytes become the entry's state-machine data.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext.Builder trx = TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
    if (request.getMessage() instanceof AppendMessage append) {
      trx.setStateMachineContext(append);
      if (raftSettings.payloadBesideLog()) {
        trx.setLogData(ByteString.EMPTY).setStateMachineData(append.getContent());
      }
    }
    return trx.build();
  }

  @Override
  public StateMachine.DataApi data() {
    return payloadApi;
  }

  /**
   * Ratis' side of {@link PayloadLog}: it calls {@code write} for every entry that has
   * state-machine data (leader and followers, before writing the entry without it), {@code read}
   * when it needs the data again (an appender sending the entry to a follower, mostly), {@code
   * flush} before it counts written entries as flushed and {@code truncate} when it cuts its log.
   */
  private final class Payloads implements StateMachine.DataApi {
    @Override
    public CompletableFuture<?> write(LogEntryProto entry, TransactionContext context) {
      try {
        ByteString data = entry.getStateMachineLogEntry().getStateMachineEntry().getStateMachineData();
        payloads.append(entry.getIndex(), data.asReadOnlyByteBufferList());
        return CompletableFuture.completedFuture(null);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<ByteString> read(LogEntryProto entry, TransactionContext context) {
      // The leader still has the submitted message while the entry is pending: no disk read.
      if (context != null && context.getStateMachineContext() instanceof AppendMessage append) {
        return CompletableFuture.completedFuture(append.getContent());
      }
      try {
        return CompletableFuture.completedFuture(UnsafeByteOperations.unsafeWrap(payloads.read(entry.getIndex())));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<Void> flush(long logIndex) {
      return payloads.flush(logIndex);
    }

    @Override
    public CompletableFuture<Void> truncate(long logIndex) {
      try {
        payloads.truncate(logIndex);
        return CompletableFuture.completedFuture(null);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    writing.lock();
    try {
      return apply(trx.getLogEntry(), trx.getStateMachineContext());
    } finally {
      writing.unlock();
    }
  }

  /** {@code submitted}: the leader's own AppendMessage for this entry, or null (then parsed). */
  private CompletableFuture<Message> apply(LogEntryProto entry, Object submitted) {
    long index = entry.getIndex();
    long term = entry.getTerm();
    if (index <= log.lastAppliedIndex()) {
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    try {
      PartitionCommand command =
          submitted instanceof AppendMessage append ? append.command() : parse(commandBytes(entry));
      Message result =
          switch (command.getCommandCase()) {
            case APPEND -> RaftMessages.of(append(command.getAppend(), index, term));
            case APPEND_BATCHES -> RaftMessages.of(appendAll(command.getAppendBatches(), index, term));
            case TRUNCATE_PREFIX -> RaftMessages.of(truncate(command.getTruncatePrefix().getOffset(), index, term));
            default -> throw new IOException("unknown partition command " + command.getCommandCase());
          };
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(result);
    } catch (DuplicateBatchException e) {
      // A retry of a batch already in the log: the producer gets the original's offset.
      log.recordApplied(index, term);
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(
          RaftMessages.of(
              AppendResult.newBuilder().setBaseOffset(e.getBaseOffset()).setDuplicate(true).build()));
    } catch (OutOfOrderSequenceException | ProducerFencedException e) {
      // Refused by the producer's sequence or epoch: consumed without data, every replica alike.
      log.recordApplied(index, term);
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.failedFuture(e);
    } catch (StorageException e) {
      // The node checked the batch and the capacity before submitting; failing here means the
      // disk filled up in between. The entry is consumed without data so the group keeps going,
      // and the producer gets the error.
      LOG.warn("group {}: entry {} not appended: {}", getGroupId(), index, e.getMessage());
      log.recordApplied(index, term);
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.failedFuture(e);
    } catch (IOException e) {
      throw new IllegalStateException("undecodable entry " + index + " in " + getGroupId(), e);
    }
  }

  private AppendResult append(AppendBatchCommand cmd, long index, long term) {
    BatchHeader stored =
        log.append(header(cmd), cmd.getPayload().asReadOnlyByteBuffer(), cmd.getProducerIdExpirationMs(), index, term);
    return AppendResult.newBuilder()
        .setBaseOffset(stored.baseOffset())
        .setLogAppendTimeMs(stored.appendTimeMs())
        .build();
  }

  /**
   * The batches of a coalesced entry, in one LMDB transaction; a refused batch (duplicate, sequence
   * gap, fenced epoch, bad CRC) gets its outcome without failing the others.
   */
  private AppendOutcomes appendAll(AppendBatchesCommand cmd, long index, long term) {
    List<PartitionLog.BatchAppend> batches = new ArrayList<>(cmd.getBatchesCount());
    for (AppendBatchCommand batch : cmd.getBatchesList()) {
      batches.add(
          new PartitionLog.BatchAppend(
              header(batch), batch.getPayload().asReadOnlyByteBuffer(), batch.getProducerIdExpirationMs()));
    }
    AppendOutcomes.Builder outcomes = AppendOutcomes.newBuilder();
    for (PartitionLog.AppendOutcome outcome : log.appendAll(batches, index, term)) {
      AppendOutcome.Builder out = outcomes.addOutcomesBuilder();
      if (outcome.stored() != null) {
        out.setResult(
            AppendResult.newBuilder()
                .setBaseOffset(outcome.stored().baseOffset())
                .setLogAppendTimeMs(outcome.stored().appendTimeMs()));
      } else if (outcome.refused() == null) {
        out.setResult(AppendResult.newBuilder().setBaseOffset(outcome.duplicateOf()).setDuplicate(true));
      } else {
        out.setRefusal(AppendRefusals.of(outcome.refused()));
      }
    }
    return outcomes.build();
  }

  private static BatchHeader header(AppendBatchCommand cmd) {
    return new BatchHeader(
        0,
        cmd.getRecordCount(),
        cmd.getFirstTimestampMs(),
        cmd.getMaxTimestampMs(),
        cmd.getProducerId(),
        (short) cmd.getProducerEpoch(),
        cmd.getBaseSequence(),
        (byte) cmd.getCodec(),
        cmd.getAppendTimeMs(),
        cmd.getCrc32C());
  }

  private AppendResult truncate(long offset, long index, long term) {
    return AppendResult.newBuilder()
        .setLogStartOffset(log.truncateBefore(offset, index, term))
        .build();
  }

  /**
   * The entry's command bytes: its log data, or its payload beside the log — carried by the entry
   * on a follower that received it, read back from the payload files on a replay.
   */
  private ByteString commandBytes(LogEntryProto entry) throws IOException {
    StateMachineLogEntryProto body = entry.getStateMachineLogEntry();
    if (!PayloadlessTail.hasPayloadBeside(entry)) {
      return body.getLogData();
    }
    ByteString data = body.getStateMachineEntry().getStateMachineData();
    return data.isEmpty() ? UnsafeByteOperations.unsafeWrap(payloads.read(entry.getIndex())) : data;
  }

  private static PartitionCommand parse(ByteString data) throws IOException {
    // Aliasing keeps the payload a view of the Raft entry instead of a copy.
    CodedInputStream in = CodedInputStream.newInstance(data.asReadOnlyByteBuffer());
    in.enableAliasing(true);
    return PartitionCommand.parseFrom(in);
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex applied = getLastAppliedTermIndex();
    if (applied == null || applied.getIndex() < 0) {
      return -1;
    }
    recordSnapshot(applied);
    dropPayloadsBelowRaftLog();
    return applied.getIndex();
  }

  /** Payloads of entries that left the Raft log are read by nobody again. */
  private void dropPayloadsBelowRaftLog() throws IOException {
    try {
      long raftLogStart = getServer().get().getDivision(getGroupId()).getRaftLog().getStartIndex();
      if (raftLogStart > 0) {
        payloads.dropBelow(raftLogStart);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  /** Syncs LMDB and records that the state up to {@code at} is durable without the Raft log. */
  private void recordSnapshot(TermIndex at) throws IOException {
    log.sync();
    String summary =
        "nextOffset=" + log.nextOffset() + "\nlogStartOffset=" + log.logStartOffset() + "\n";
    SnapshotFiles.write(snapshotStorage, at, summary.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers a replica that is catching up from this one with part of this replica's log. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      ReplicaSyncRequest sync = ReplicaSyncRequest.parseFrom(RaftMessages.bytes(request));
      ReplicaChunk chunk =
          log.readForReplica(sync.getFromOffset(), Math.min(sync.getMaxBytes(), CATCH_UP_CHUNK_BYTES));
      ReplicaSyncChunk.Builder reply =
          ReplicaSyncChunk.newBuilder()
              .setLogStartOffset(chunk.logStartOffset())
              .setNextOffset(chunk.nextOffset())
              .setAppliedIndex(chunk.lastAppliedIndex())
              .setAppliedTerm(chunk.lastAppliedTerm());
      chunk.batches().forEach(b -> reply.addBatches(com.google.protobuf.UnsafeByteOperations.unsafeWrap(b.toStoredBytes())));
      chunk.producers().forEach((id, entry) -> reply.putProducers(id, com.google.protobuf.UnsafeByteOperations.unsafeWrap(entry.encode())));
      return CompletableFuture.completedFuture(RaftMessages.of(reply.build()));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The leader purged the Raft entries this replica needs: copy the missing batches from the
   * leader's log instead, then report the Raft position the copy reflects (see {@link
   * ReplicaReader#catchUp} for where it runs).
   */
  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
      RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
    try {
      return ReplicaReader.catchUp(
          getServer().get(), getGroupId(), firstTermIndexInLog, () -> catchUp(roleInfo, firstTermIndexInLog));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    } catch (ExecutionException e) {
      return CompletableFuture.failedFuture(e.getCause());
    }
  }

  private TermIndex catchUp(RoleInfoProto roleInfo, TermIndex firstInLeaderLog)
      throws IOException {
    writing.lock();
    try (ReplicaReader reader = ReplicaReader.ofLeader(getServer().get(), getGroupId(), roleInfo)) {
      LOG.info(
          "group {}: the leader's log starts at {}, this replica has applied {}; copying from {}",
          getGroupId(),
          firstInLeaderLog,
          log.lastAppliedIndex(),
          reader.source());
      log.beginCatchUp();
      ReplicaSyncChunk chunk;
      do {
        ReplicaSyncRequest request =
            ReplicaSyncRequest.newBuilder()
                .setFromOffset(log.nextOffset())
                .setMaxBytes(CATCH_UP_CHUNK_BYTES)
                .build();
        chunk = ReplicaSyncChunk.parseFrom(reader.query(request));
        for (var stored : chunk.getBatchesList()) {
          log.appendCaughtUp(StoredBatch.fromStoredBytes(stored.asReadOnlyByteBuffer()));
        }
      } while (chunk.getBatchesCount() > 0 && log.nextOffset() < chunk.getNextOffset());
      Map<Long, ProducerEntry> producers = new HashMap<>();
      chunk.getProducersMap().forEach((id, entry) -> producers.put(id, ProducerEntry.decode(entry.asReadOnlyByteBuffer())));
      log.finishCatchUp(chunk.getLogStartOffset(), chunk.getAppliedIndex(), chunk.getAppliedTerm(), producers);
      TermIndex installed = TermIndex.valueOf(chunk.getAppliedTerm(), chunk.getAppliedIndex());
      recordSnapshot(installed);
      catchUps.incrementAndGet();
      return installed;
    } catch (IOException | InterruptedException | ExecutionException | RuntimeException e) {
      log.abandonCatchUp();
      LOG.warn("group {}: catching up failed, Ratis will ask again: {}", getGroupId(), e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IOException io ? io : new IOException(e);
    } finally {
      writing.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    PartitionLog current = log;
    if (current != null) {
      current.close();
    }
    PayloadLog currentPayloads = payloads;
    if (currentPayloads != null) {
      currentPayloads.close();
    }
    super.close();
  }
}
