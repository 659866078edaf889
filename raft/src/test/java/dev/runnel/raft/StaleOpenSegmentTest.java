package dev.runnel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.MetadataProto;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogOutputStream;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment files are written with Ratis' own writer, so they are what Ratis 3.3.0 leaves on disk. */
class StaleOpenSegmentTest {
  private static final SizeInBytes ENTRY_BYTES_MAX = SizeInBytes.valueOf(64 << 10);

  @TempDir Path dir;

  @Test
  void anOpenSegmentEndingBelowTheSnapshotIsDeleted() throws IOException {
    Path closed = write("log_0-4", 0, 4);
    Path open = write("log_inprogress_5", 5, 9);

    assertEquals(List.of(open), StaleOpenSegment.removeBelow(dir, 20, ENTRY_BYTES_MAX));
    assertFalse(Files.exists(open));
    assertTrue(Files.exists(closed), "closed segments are Ratis' to purge");
  }

  @Test
  void anOpenSegmentReachingTheSnapshotIsKept() throws IOException {
    Path endsAtSnapshot = write("log_inprogress_5", 5, 9);
    assertEquals(List.of(), StaleOpenSegment.removeBelow(dir, 9, ENTRY_BYTES_MAX));
    assertTrue(Files.exists(endsAtSnapshot));

    Files.delete(endsAtSnapshot);
    Path spansSnapshot = write("log_inprogress_5", 5, 25);
    assertEquals(List.of(), StaleOpenSegment.removeBelow(dir, 20, ENTRY_BYTES_MAX));
    assertTrue(Files.exists(spansSnapshot));
  }

  @Test
  void withoutASnapshotNothingIsDeleted() throws IOException {
    Path open = write("log_inprogress_5", 5, 9);
    assertEquals(List.of(), StaleOpenSegment.removeBelow(dir, -1, ENTRY_BYTES_MAX));
    assertTrue(Files.exists(open));
  }

  @Test
  void anUnreadableOrEmptySegmentIsLeftToRatis() throws IOException {
    Path garbage = dir.resolve("log_inprogress_5");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertEquals(List.of(), StaleOpenSegment.removeBelow(dir, 20, ENTRY_BYTES_MAX));
    assertTrue(Files.exists(garbage));

    Files.delete(garbage);
    Path headerOnly = write("log_inprogress_5", 5, 4);
    assertEquals(List.of(), StaleOpenSegment.removeBelow(dir, 20, ENTRY_BYTES_MAX));
    assertTrue(Files.exists(headerOnly));
  }

  /** A segment file holding entries {@code first..last} of term 1 (none when last < first). */
  private Path write(String name, long first, long last) throws IOException {
    Path file = dir.resolve(name);
    try (SegmentedRaftLogOutputStream out =
        new SegmentedRaftLogOutputStream(file.toFile(), false, 1 << 20, 1 << 16, ByteBuffer.allocateDirect(1 << 16))) {
      for (long index = first; index <= last; index++) {
        out.write(
            LogEntryProto.newBuilder()
                .setTerm(1)
                .setIndex(index)
                .setMetadataEntry(MetadataProto.newBuilder().setCommitIndex(index))
                .build());
      }
    }
    return file;
  }
}
