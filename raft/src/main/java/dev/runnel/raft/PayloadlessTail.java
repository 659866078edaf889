package dev.runnel.raft;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a group's Raft log, before Ratis opens it, at the first entry whose payload the {@link
 * PayloadLog} does not have past its last index.
 *
 * <p>How that happens: the payload is written to the page cache just before Ratis writes the entry,
 * and both are fsynced before Ratis counts the entry as flushed. A process crash keeps both (the
 * page cache survives it), but a power loss may keep the entry and lose the payload, since the
 * kernel writes dirty pages back in no particular order. Such an entry was never flushed on this
 * replica, so this replica never acknowledged it; left in the log it would be applied (a restarted
 * single node commits its whole log with its first new entry, and a follower's matching entries
 * are not sent again) and applying it would fail for want of its bytes, forever. Cutting the log
 * there is what a crash just before the write would have left: committed entries come back from
 * the leader, uncommitted ones were never promised to anyone.
 *
 * <p>Reads Ratis 3.3.0's segment format: the header {@code RaftLog1}, then per entry its size
 * (varint), the entry and a 4-byte checksum; closed segments are named {@code
 * log_FIRST-LAST}, the open one {@code log_inprogress_FIRST}.
 */
final class PayloadlessTail {
  private static final Logger LOG = LoggerFactory.getLogger(PayloadlessTail.class);
  private static final byte[] HEADER = "RaftLog1".getBytes(StandardCharsets.UTF_8);
  private static final Pattern CLOSED = Pattern.compile("log_(\\d+)-(\\d+)");
  private static final Pattern OPEN = Pattern.compile("log_inprogress_(\\d+)(?:\\..*)?");

  private PayloadlessTail() {}

  /** An entry whose bytes are beside the log rather than in it. */
  static boolean hasPayloadBeside(LogEntryProto entry) {
    return entry.hasStateMachineLogEntry() && entry.getStateMachineLogEntry().hasStateMachineEntry();
  }

  /**
   * Cuts the log in {@code logDir} (a group's {@code current} directory) at the first entry after
   * {@code payloadLastIndex} that has its payload beside the log; answers the index cut at, or -1
   * when nothing was cut.
   *
   * <p>Only the tail is read: segments from the newest back to the one that starts at or before
   * {@code payloadLastIndex} (whatever precedes it lies below the payloads' end), and only the
   * newest when there are no payloads at all. So a node that never wrote payloads, or that
   * writes its batches into the Raft log, reads no more than its newest segment.
   */
  static long cut(Path logDir, long payloadLastIndex, SizeInBytes entryBytesMax) throws IOException {
    List<LogSegmentPath> segments = segments(logDir);
    int cutSegment = -1;
    long[] cutAt = null;
    for (int i = segments.size() - 1; i >= 0; i--) {
      long[] found = firstWithoutPayload(segments.get(i), payloadLastIndex, entryBytesMax);
      if (found != null) {
        cutSegment = i;
        cutAt = found;
      }
      if (payloadLastIndex < 0 || startIndex(segments.get(i).getPath()) <= payloadLastIndex) {
        break;
      }
    }
    if (cutAt == null) {
      return -1;
    }
    LogSegmentPath segment = segments.get(cutSegment);
    cutSegment(segment.getPath(), cutAt[0], cutAt[1]);
    List<Path> later = new ArrayList<>();
    for (LogSegmentPath after : segments.subList(cutSegment + 1, segments.size())) {
      Files.delete(after.getPath());
      later.add(after.getPath());
    }
    LOG.warn(
        "Raft log {} cut at entry {}: its payload and those after it are not in the payload files, which"
            + " end at {} (a power loss after the entries were written, before their fsync); deleted"
            + " after it: {}",
        segment.getPath().getParent(),
        cutAt[0],
        payloadLastIndex,
        later);
    return cutAt[0];
  }

  /** The segment files in {@code logDir}, oldest first (Ratis' parser drops an empty open one). */
  private static List<LogSegmentPath> segments(Path logDir) throws IOException {
    List<LogSegmentPath> segments = new ArrayList<>();
    if (!Files.isDirectory(logDir)) {
      return segments;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir, "log_*")) {
      for (Path file : files) {
        LogSegmentPath segment = LogSegmentPath.matchLogSegment(file);
        if (segment != null) {
          segments.add(segment);
        }
      }
    }
    segments.sort(Comparator.comparing(LogSegmentPath::getStartEnd));
    return segments;
  }

  private static long startIndex(Path segment) throws IOException {
    String name = segment.getFileName().toString();
    Matcher open = OPEN.matcher(name);
    if (open.matches()) {
      return Long.parseLong(open.group(1));
    }
    Matcher closed = CLOSED.matcher(name);
    if (closed.matches()) {
      return Long.parseLong(closed.group(1));
    }
    throw new IOException("not a Raft log segment name: " + segment);
  }

  /** {index, byte position} of the first entry past {@code payloadLastIndex} needing a payload. */
  private static long[] firstWithoutPayload(LogSegmentPath segment, long payloadLastIndex, SizeInBytes entryBytesMax)
      throws IOException {
    long[] position = {HEADER.length};
    long[] found = {-1, -1};
    StaleOpenSegment.readEntries(
        segment,
        entryBytesMax,
        entry -> {
          if (found[0] >= 0) {
            return;
          }
          if (entry.getIndex() > payloadLastIndex && hasPayloadBeside(entry)) {
            found[0] = entry.getIndex();
            found[1] = position[0];
            return;
          }
          int size = entry.getSerializedSize();
          position[0] += CodedOutputStream.computeUInt32SizeNoTag(size) + size + 4;
        });
    return found[0] < 0 ? null : found;
  }

  /** Removes entry {@code index}, at byte {@code position}, and those after it from the file. */
  private static void cutSegment(Path file, long index, long position) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER.length);
      channel.read(header, 0);
      if (!Arrays.equals(header.array(), HEADER)) {
        throw new IOException("Raft log segment " + file + " does not start with the Ratis header");
      }
      if (position > HEADER.length) {
        channel.truncate(position);
        channel.force(true);
      }
    }
    if (position <= HEADER.length) {
      Files.delete(file);
    } else if (CLOSED.matcher(file.getFileName().toString()).matches()) {
      Files.move(file, file.resolveSibling("log_" + startIndex(file) + "-" + (index - 1)));
    }
  }
}
