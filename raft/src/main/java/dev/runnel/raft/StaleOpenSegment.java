package dev.runnel.raft;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.util.SizeInBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a group's open Raft log segment whose entries all lie below the state machine's latest
 * snapshot, before Ratis opens the log. Without this a replica can stay stuck for good.
 *
 * <p>How a log ends below its snapshot: a catch-up by snapshot records its snapshot in the state
 * machine's storage (it must, Ratis reloads the state machine from it) before Ratis records the
 * install, which it does at a later leader notice (see {@link ReplicaReader#catchUp}). A replica
 * that stops in between (a kill, a restart, or a network partition that keeps the next notice
 * away until the stop) comes back with a snapshot at S and a log ending at some e below S.
 *
 * <p>Why Ratis 3.3.0 does not recover from that on its own: {@code
 * SegmentedRaftLog.loadLogSegments} sees the log end below the snapshot and purges up to S, but
 * {@code SegmentedRaftLogCache.purge} removes closed segments only; the open segment
 * {@code log_inprogress_x} holding x..e stays. The leader then sends S+1 (the follower's snapshot
 * matches its previous entry). {@code SegmentedRaftLog.appendEntryImpl} rolls the open segment
 * (S+1 has a newer term, or the segment is full) into a new, empty one starting at e+1, and {@code
 * LogSegment.verifyEntryIndex} refuses S+1: "gap between start index e+1 and first entry to append
 * S+1" (or "gap between entries" when nothing rolled). Every later append fails the same way, and
 * the log's next index stays e+1. Ratis' own repair, {@code SegmentedRaftLog.onSnapshotInstalled},
 * closes an open segment below the snapshot only when it has entries and runs only while an install
 * is recorded, so it never sees the empty one. A restart before the first append after the stop
 * brings the same state back, since the open segment with entries is still on disk.
 *
 * <p>Why deleting the segment loses nothing acknowledged: every entry in it has an index below S.
 * The snapshot at S is committed state (a copy of a leader's applied state, or this replica's own
 * applied state), so every committed entry up to S is in it, and an entry that was never
 * committed has no claim to be kept. Without the file, the log ends below S in closed segments
 * only, which Ratis' load purges itself, exactly as it would have purged this segment once closed;
 * the replica then takes S+1 onward from the leader. The group's configuration does not depend
 * on the file: Ratis keeps it in its own metadata file when it applies a configuration entry or
 * handles a snapshot notice. An open segment reaching S or beyond is left alone (it is the
 * normal case after a local snapshot), as is one that cannot be read (Ratis' load reports it).
 */
final class StaleOpenSegment {
  private static final Logger LOG = LoggerFactory.getLogger(StaleOpenSegment.class);
  /** Ratis' name for an open segment: log_inprogress_START. */
  private static final Pattern OPEN_SEGMENT_NAME = Pattern.compile("log_inprogress_\\d+");

  private StaleOpenSegment() {}

  /**
   * Called from a state machine's {@code initialize}, which Ratis runs before it opens the group's
   * log ({@code ServerState.initialize}) with the snapshot index the state machine reports.
   */
  static void removeBeforeLogOpens(RaftServer server, RaftStorage storage, SnapshotInfo snapshot)
      throws IOException {
    if (snapshot == null) {
      return;
    }
    removeBelow(
        storage.getStorageDir().getCurrentDir().toPath(),
        snapshot.getIndex(),
        RaftServerConfigKeys.Log.Appender.bufferByteLimit(server.getProperties()));
  }

  /**
   * Deletes the open segment files under {@code logDir} (a group's {@code current} directory)
   * whose last entry is below {@code snapshotIndex}; answers the deleted files.
   *
   * @param entryBytesMax the largest entry Ratis accepts (its appender byte limit), for reading
   */
  static List<Path> removeBelow(Path logDir, long snapshotIndex, SizeInBytes entryBytesMax)
      throws IOException {
    List<Path> removed = new ArrayList<>();
    if (snapshotIndex < 0 || !Files.isDirectory(logDir)) {
      return removed;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir)) {
      for (Path file : files) {
        if (!OPEN_SEGMENT_NAME.matcher(file.getFileName().toString()).matches()) {
          continue;
        }
        // Ratis' own parser; it answers null for (and deletes, as Ratis' load does) an empty file.
        LogSegmentPath segment = LogSegmentPath.matchLogSegment(file);
        if (segment == null) {
          continue;
        }
        long lastIndex = lastIndex(segment, entryBytesMax);
        // No entries: Ratis' load deletes the file itself. Entries at or past the snapshot: the
        // log reaches the snapshot, Ratis appends after it as usual.
        if (lastIndex >= 0 && lastIndex < snapshotIndex) {
          Files.delete(file);
          removed.add(file);
          LOG.warn(
              "deleted the open Raft log segment {} (entries up to {}): it ends below the snapshot"
                  + " at {}, which already holds them, and Ratis 3.3.0 cannot append after it",
              file,
              lastIndex,
              snapshotIndex);
        }
      }
    }
    return removed;
  }

  /** Hands each entry of the segment, in order, to {@code each} (Ratis' reader: damage throws). */
  static void readEntries(LogSegmentPath segment, SizeInBytes entryBytesMax, Consumer<LogEntryProto> each)
      throws IOException {
    LogSegment.readSegmentFile(
        segment.getPath().toFile(), segment.getStartEnd(), entryBytesMax, CorruptionPolicy.EXCEPTION, null, each);
  }

  /** The index of the segment's last readable entry, -1 without one or when it cannot be read. */
  private static long lastIndex(LogSegmentPath segment, SizeInBytes entryBytesMax) {
    long[] last = {-1};
    try {
      readEntries(segment, entryBytesMax, entry -> last[0] = entry.getIndex());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read the open Raft log segment {}, leaving it to Ratis: {}", segment, e.toString());
      return -1;
    }
    return last[0];
  }
}
