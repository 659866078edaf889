package dev.runnel.raft;

import com.google.protobuf.CodedInputStream;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.AppendResult;
import dev.runnel.proto.internal.PartitionCommand;
import dev.runnel.storage.BatchHeader;
import dev.runnel.storage.LogConfig;
import dev.runnel.storage.PartitionLog;
import dev.runnel.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one partition's Raft group: a committed entry is either one client batch,
 * appended to the partition's LMDB log on the apply thread (the single writer of the partition),
 * which assigns its offsets; or a prefix truncation (retention, DeleteRecords), which moves the
 * log start offset identically on every replica. Reads do not go through Raft: they read the local {@link
 * PartitionLog}, which only ever holds committed data.
 *
 * <p>Durability comes from the Raft log. LMDB runs without fsync; a snapshot first forces LMDB to
 * disk, then records the applied index, after which Ratis may purge its log. On restart Ratis
 * replays the entries after the snapshot; entries LMDB already holds are skipped by index, so a
 * replay never appends a batch twice.
 */
public final class PartitionStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionStateMachine.class);
  /** Where the partition's LMDB environment lives, inside the group's Ratis directory. */
  static final String LOG_DIR_NAME = "log";

  private final SimpleStateMachineStorage snapshotStorage = new SimpleStateMachineStorage();
  private final LogConfig logConfig;
  private volatile PartitionLog log;

  public PartitionStateMachine(LogConfig logConfig) {
    this.logConfig = logConfig;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshotStorage.init(raftStorage);
    Path dir = raftStorage.getStorageDir().getRoot().toPath().resolve(LOG_DIR_NAME);
    try {
      log = PartitionLog.open(dir, logConfig);
    } catch (StorageException e) {
      throw new IOException("cannot open the log of group " + groupId + " at " + dir, e);
    }
    // Ratis replays the log from its latest snapshot and expects the applied index to start
    // there; entries LMDB already holds (it may be ahead of the snapshot) are skipped in apply.
    var snapshot = snapshotStorage.loadLatestSnapshot();
    if (snapshot != null) {
      setLastAppliedTermIndex(snapshot.getTermIndex());
    }
    StateMachineLifecycle.markRunning(getLifeCycle());
    LOG.debug(
        "partition group {} opened: next offset {}, last applied {}",
        groupId,
        log.nextOffset(),
        log.lastAppliedIndex());
  }

  /**
   * Ratis calls this after installing a snapshot from the leader. A partition snapshot does not
   * carry the log's data (followers catch up from the Raft log, see RaftSettings), so a snapshot
   * ahead of the local log would leave a silent gap: refuse it loudly instead.
   */
  @Override
  public void reinitialize() throws IOException {
    var snapshot = snapshotStorage.loadLatestSnapshot();
    if (snapshot != null && snapshot.getIndex() > log.lastAppliedIndex()) {
      throw new IOException(
          "group "
              + getGroupId()
              + " received a snapshot at index "
              + snapshot.getIndex()
              + " but its log only reaches "
              + log.lastAppliedIndex()
              + "; catching up by snapshot is not supported yet");
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

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    long term = entry.getTerm();
    if (index <= log.lastAppliedIndex()) {
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    try {
      PartitionCommand command = parse(entry.getStateMachineLogEntry().getLogData());
      AppendResult result =
          command.hasTruncatePrefix()
              ? truncate(command.getTruncatePrefix().getOffset(), index, term)
              : append(command.getAppend(), index, term);
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(RaftMessages.of(result));
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
    BatchHeader header =
        new BatchHeader(
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
    BatchHeader stored = log.append(header, cmd.getPayload().asReadOnlyByteBuffer(), index, term);
    return AppendResult.newBuilder()
        .setBaseOffset(stored.baseOffset())
        .setLogAppendTimeMs(stored.appendTimeMs())
        .build();
  }

  private AppendResult truncate(long offset, long index, long term) {
    return AppendResult.newBuilder()
        .setLogStartOffset(log.truncateBefore(offset, index, term))
        .build();
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
    log.sync();
    String summary =
        "nextOffset=" + log.nextOffset() + "\nlogStartOffset=" + log.logStartOffset() + "\n";
    SnapshotFiles.write(snapshotStorage, applied, summary.getBytes(StandardCharsets.UTF_8));
    return applied.getIndex();
  }

  @Override
  public void close() throws IOException {
    PartitionLog current = log;
    if (current != null) {
      current.close();
    }
    super.close();
  }
}
