package dev.runnel.raft;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis tunables Runnel sets, with their reasons. Ratis' defaults are sized for few large
 * groups; a node hosts one group per partition, so buffers are kept small (see STACK.md: ~8–10 MB
 * of direct memory per group with the defaults) and the election timeouts long enough that idle
 * groups cost little CPU.
 *
 * @param storageDir where Ratis keeps every group's directory (log, snapshots, partition LMDB)
 * @param entryBytesMax the largest Raft entry (one client batch plus its header) accepted
 * @param snapshotEveryEntries a snapshot is taken after this many entries, then the log is purged
 * @param segmentBytesMax size of one Raft log segment; only whole closed segments are purged
 * @param fsyncBeforeCommit true: an entry counts towards the commit only once fsynced (the default);
 *     false: once written to the page cache, with the fsync running behind it (Kafka's default
 *     durability: survives a process crash, not the loss of power of a majority)
 * @param payloadBesideLog true: a produced batch's bytes go to the partition's payload files beside
 *     the Raft log ({@link PayloadLog}), the Raft log keeps a small entry (the default); false: the
 *     batch is in the Raft entry itself. Either way a node reads both kinds of entries
 * @param ratisJmxMetrics whether Ratis registers its per-group metrics as JMX MBeans (see
 *     {@link RatisMetricsReporting})
 */
public record RaftSettings(
    int nodeId,
    String host,
    int raftPort,
    Path storageDir,
    long electionTimeoutMinMs,
    long electionTimeoutMaxMs,
    int entryBytesMax,
    long snapshotEveryEntries,
    long segmentBytesMax,
    boolean fsyncBeforeCommit,
    boolean payloadBesideLog,
    boolean ratisJmxMetrics) {

  public RaftSettings {
    if (nodeId < 0) {
      throw new IllegalArgumentException("node.id must be >= 0, got " + nodeId);
    }
    if (electionTimeoutMinMs < 50 || electionTimeoutMaxMs <= electionTimeoutMinMs) {
      throw new IllegalArgumentException(
          "raft election timeouts must satisfy 50 <= min < max, got "
              + electionTimeoutMinMs
              + ".."
              + electionTimeoutMaxMs);
    }
    if (entryBytesMax < 1024) {
      throw new IllegalArgumentException("raft entry size limit must be >= 1 KiB");
    }
    if (snapshotEveryEntries < 16) {
      throw new IllegalArgumentException("raft.snapshot.every.entries must be >= 16");
    }
    if (segmentBytesMax < 2L * entryBytesMax) {
      throw new IllegalArgumentException(
          "raft.log.segment.bytes must hold at least two of the largest entries ("
              + 2L * entryBytesMax
              + " bytes), got "
              + segmentBytesMax);
    }
  }

  public RaftPeerId peerId() {
    return RaftIds.peerId(nodeId);
  }

  /**
   * The size of Ratis' own log segments. Only whole segments are purged after a snapshot, and the
   * payload files beside the log keep every entry the Raft log still has. With payloads beside the
   * log an entry takes some 60 bytes of the segment, so a segment of segmentBytesMax would hold
   * hundreds of thousands of entries and keep their payloads long after the snapshot; instead a
   * segment holds about a quarter of a snapshot interval (at 16 bytes per entry of the interval),
   * and segmentBytesMax sizes the payload files.
   */
  long raftLogSegmentBytes() {
    return payloadBesideLog ? Math.max(4 << 10, Math.min(snapshotEveryEntries * 16, segmentBytesMax)) : segmentBytesMax;
  }

  RaftProperties toProperties() {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, new RaftTransport());
    RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile()));
    GrpcConfigKeys.Server.setHost(p, host);
    GrpcConfigKeys.Server.setPort(p, raftPort);
    TimeDuration min = TimeDuration.valueOf(electionTimeoutMinMs, MILLISECONDS);
    TimeDuration max = TimeDuration.valueOf(electionTimeoutMaxMs, MILLISECONDS);
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, min);
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, max);
    // A group that has just been created or restarted should not sit leaderless for a full
    // election timeout: on one node that is pure start-up delay.
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(100, MILLISECONDS));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(300, MILLISECONDS));
    // One Raft entry carries a whole batch. The appender's byte limit caps an entry's size and
    // must stay below the write buffer (STACK.md), so both follow the largest batch accepted.
    int writeBufferBytes = entryBytesMax + 64 * 1024;
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(writeBufferBytes));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(writeBufferBytes - 8));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(Math.max(writeBufferBytes * 2, 8 << 20)));
    long raftSegmentBytes = raftLogSegmentBytes();
    RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(1 << 20, raftSegmentBytes)));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(raftSegmentBytes));
    // Ratis keeps log entries (whole batches) in heap: the open segment and up to this many
    // closed ones, per group. Its defaults (6 segments, 200 MB) per group would let a few busy
    // partitions exhaust the heap; the data is in LMDB anyway once applied.
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf(2 * raftSegmentBytes));
    // Bounded Raft logs: snapshot every N entries, then purge the log up to the snapshot, even
    // past a replica that is down, so disk use follows the retained data. A replica whose
    // entries were purged is only notified (no snapshot files are shipped: a partition's data is
    // its LMDB log, far too big to copy whole at every snapshot); its state machine then copies
    // what it misses from the leader (PartitionStateMachine, ControllerStateMachine).
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotEveryEntries);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, 1);
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
    // Ratis' "unsafe flush": the flushed index moves when the entry is written, the fsync is
    // started but not waited for. Its "async flush" is not used: in Ratis 3.3 it may count entries
    // written while an fsync runs as flushed by that fsync.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, !fsyncBeforeCommit);
    // Payloads beside the log (PayloadLog; set whatever payloadBesideLog is, since a node reads
    // entries of both kinds): Ratis' cache keeps entries without their payload, because its limits
    // count log-file bytes, which no longer include it; appenders read the payload back through
    // the state machine. The payload's fsync runs alongside Ratis' own instead of before it
    // ("sync" would make Ratis wait for the state machine's write and flush before its own).
    RaftServerConfigKeys.Log.StateMachineData.setCachingEnabled(p, true);
    RaftServerConfigKeys.Log.StateMachineData.setSync(p, false);
    // No snapshot when a server stops. It used to make a stopped replica's snapshot exactly its
    // last entry, which is where the ALREADY_INSTALLED livelock of Ratis 3.3.0 starts when the
    // leader's log begins right after it; RaftTransport now handles that case (RaftTransportTest
    // builds it with a stop snapshot). It stays off until turning it back on is measured on its
    // own: a stopped node replays its log since the last snapshot on start, as after a crash
    // (replayed entries LMDB already holds are skipped).
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
    return p;
  }
}
