package dev.runnel.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files in a temp directory: writes, reads, truncation, recovery from a torn tail, damage. */
class PayloadLogTest {
  private static final int SEGMENT_BYTES = 4096;
  private static final int PAYLOAD_BYTES_MAX = 2048;

  @TempDir Path dir;

  private PayloadLog open() throws IOException {
    return PayloadLog.open(dir, SEGMENT_BYTES, PAYLOAD_BYTES_MAX);
  }

  /** Entry {@code index}'s payload, {@code variant} telling rewrites apart; sizes vary with the index. */
  private static byte[] payload(long index, String variant) {
    return (variant + index + ":" + "p".repeat((int) (index * 37 % 900))).getBytes(StandardCharsets.UTF_8);
  }

  /** Appends the payload in two pieces, as Ratis hands over a prefix and a client's bytes. */
  private static void append(PayloadLog log, long index, byte[] payload) throws IOException {
    int half = payload.length / 2;
    log.append(index, List.of(ByteBuffer.wrap(payload, 0, half), ByteBuffer.wrap(payload, half, payload.length - half)));
  }

  private static byte[] read(PayloadLog log, long index) throws IOException {
    ByteBuffer buffer = log.read(index);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void entriesSpanSeveralFilesAndSurviveAReopen() throws Exception {
    try (PayloadLog log = open()) {
      for (long i = 1; i <= 40; i++) {
        append(log, i, payload(i, "a"));
      }
      log.flush(40).get(10, TimeUnit.SECONDS);
      assertTrue(log.files() > 3, "4 KiB files roll: " + log.files());
      for (long i = 1; i <= 40; i++) {
        assertArrayEquals(payload(i, "a"), read(log, i), "entry " + i);
      }
    }
    try (PayloadLog log = open()) {
      assertEquals(1, log.firstIndex());
      assertEquals(40, log.lastIndex());
      for (long i = 1; i <= 40; i++) {
        assertArrayEquals(payload(i, "a"), read(log, i), "entry " + i + " after reopening");
      }
    }
  }

  @Test
  void writingAnIndexAgainReplacesItAndEverythingAfter() throws Exception {
    try (PayloadLog log = open()) {
      for (long i = 1; i <= 30; i++) {
        append(log, i, payload(i, "old"));
      }
      int filesBefore = log.files();
      append(log, 7, payload(7, "new"));
      assertEquals(7, log.lastIndex());
      assertArrayEquals(payload(6, "old"), read(log, 6));
      assertArrayEquals(payload(7, "new"), read(log, 7));
      assertThrows(IOException.class, () -> log.read(8));
      assertTrue(log.files() < filesBefore, "files after the rewritten index are deleted");
      append(log, 8, payload(8, "new"));
      assertArrayEquals(payload(8, "new"), read(log, 8));
    }
  }

  @Test
  void truncateDropsFromTheIndexOnAndTheLogGoesOnFromThere() throws Exception {
    try (PayloadLog log = open()) {
      for (long i = 1; i <= 30; i++) {
        append(log, i, payload(i, "a"));
      }
      log.truncate(12);
      assertEquals(11, log.lastIndex());
      log.flush(11).get(10, TimeUnit.SECONDS);
      append(log, 12, payload(12, "b"));
      log.flush(12).get(10, TimeUnit.SECONDS);
    }
    try (PayloadLog log = open()) {
      assertEquals(12, log.lastIndex());
      assertArrayEquals(payload(11, "a"), read(log, 11));
      assertArrayEquals(payload(12, "b"), read(log, 12));
    }
  }

  /** Entries without a payload (Ratis' metadata entries, say) leave gaps in the indexes. */
  @Test
  void indexesMayHaveGapsAndAMissingOneIsReportedOnRead() throws Exception {
    try (PayloadLog log = open()) {
      append(log, 1, payload(1, "a"));
      append(log, 3, payload(3, "a"));
      append(log, 100, payload(100, "a"));
      assertEquals(1, log.files());
      IOException gap = assertThrows(IOException.class, () -> log.read(50));
      assertTrue(gap.getMessage().contains("no payload for Raft entry 50"), gap.getMessage());
      assertTrue(gap.getMessage().contains("3 entries in 1..100"), gap.getMessage());
      assertThrows(IOException.class, () -> log.read(2));
      log.truncate(2); // from an index without a record
      assertEquals(1, log.lastIndex());
      append(log, 2, payload(2, "b"));
    }
    try (PayloadLog log = open()) {
      assertEquals(2, log.lastIndex());
      assertArrayEquals(payload(1, "a"), read(log, 1));
      assertArrayEquals(payload(2, "b"), read(log, 2));
    }
  }

  @Test
  void aTornTailIsCutOffOnOpen() throws Exception {
    try (PayloadLog log = open()) {
      for (long i = 1; i <= 5; i++) {
        append(log, i, payload(i, "a"));
      }
    }
    Path last = files().get(files().size() - 1);
    long size = Files.size(last);
    try (FileChannel file = FileChannel.open(last, StandardOpenOption.WRITE)) {
      file.truncate(size - 3); // the payload of entry 5 cut short, as by a crash mid-write
    }
    try (PayloadLog log = open()) {
      assertEquals(4, log.lastIndex());
      assertArrayEquals(payload(4, "a"), read(log, 4));
      append(log, 5, payload(5, "b"));
      assertArrayEquals(payload(5, "b"), read(log, 5));
    }
    // A half-written header after the last record.
    try (FileChannel file = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      file.write(ByteBuffer.wrap(new byte[] {6, 0, 0}));
    }
    try (PayloadLog log = open()) {
      assertEquals(5, log.lastIndex());
      assertArrayEquals(payload(5, "b"), read(log, 5));
    }
  }

  @Test
  void damageIsFoundByTheCrc() throws Exception {
    long damagedIndex = 2;
    try (PayloadLog log = open()) {
      for (long i = 1; i <= 3; i++) {
        append(log, i, payload(i, "a"));
      }
      // Flip a payload byte of entry 2 in place (all three share the first file).
      long position = PayloadLog.RECORD_HEADER_BYTES + payload(1, "a").length + PayloadLog.RECORD_HEADER_BYTES + 5;
      try (FileChannel file = FileChannel.open(files().get(0), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        file.read(one, position);
        file.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x40)}), position);
      }
      IOException damaged = assertThrows(IOException.class, () -> log.read(damagedIndex));
      assertTrue(damaged.getMessage().contains("CRC mismatch in entry 2"), damaged.getMessage());
      assertArrayEquals(payload(3, "a"), read(log, 3));
    }
    // In the last file, opening keeps the entries before the damage only.
    try (PayloadLog log = open()) {
      assertEquals(1, log.lastIndex());
    }
  }

  @Test
  void dropBelowDeletesWholeFilesOnly() throws Exception {
    try (PayloadLog log = open()) {
      for (long i = 1; i <= 40; i++) {
        append(log, i, payload(i, "a"));
      }
      int filesBefore = log.files();
      log.dropBelow(20);
      assertTrue(log.files() < filesBefore);
      assertTrue(log.firstIndex() > 1 && log.firstIndex() <= 20, "first index " + log.firstIndex());
      for (long i = log.firstIndex(); i <= 40; i++) {
        assertArrayEquals(payload(i, "a"), read(log, i));
      }
      log.dropBelow(40);
      assertEquals(1, log.files(), "the newest file still holds entry 40");
      log.dropBelow(41);
      assertEquals(0, log.files());
      assertEquals(-1, log.lastIndex());
      append(log, 41, payload(41, "a"));
      assertArrayEquals(payload(41, "a"), read(log, 41));
    }
  }

  @Test
  void flushesOfOneLogShareARoundAndASyncedIndexAnswersAtOnce() throws Exception {
    try (PayloadLog log = open()) {
      for (long i = 1; i <= 5; i++) {
        append(log, i, payload(i, "a"));
      }
      List<CompletableFuture<Void>> flushes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        flushes.add(log.flush(5));
      }
      assertTrue(flushes.stream().distinct().count() <= 2, "flushes queue one round at a time");
      CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertTrue(log.flush(5).isDone(), "entry 5 is synced already");
      append(log, 6, payload(6, "a"));
      log.flush(6).get(10, TimeUnit.SECONDS);
      log.truncate(6);
      append(log, 6, payload(6, "b"));
      log.flush(6).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPayloadThatCannotBeWrittenIsRefusedAndNoFlushSucceedsAfterIt() throws Exception {
    try (PayloadLog log = open()) {
      IOException tooBig =
          assertThrows(IOException.class, () -> log.append(1, List.of(ByteBuffer.allocate(PAYLOAD_BYTES_MAX + 1))));
      assertTrue(tooBig.getMessage().contains("more than " + PAYLOAD_BYTES_MAX), tooBig.getMessage());
      assertEquals(-1, log.lastIndex());
      // Ratis may have written entry 1 without its payload: nothing may count as flushed now.
      ExecutionException flush = assertThrows(ExecutionException.class, () -> log.flush(1).get(10, TimeUnit.SECONDS));
      assertTrue(flush.getCause().getMessage().contains("Raft entry 1"), flush.getCause().getMessage());
    }
  }
}
