package dev.runnel.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payloads of one partition's Raft entries, kept beside the Raft log (Ratis' {@code
 * StateMachine.DataApi}) so that Ratis writes only a small entry and each produced byte goes to the
 * page cache once before it reaches LMDB, with the JDK's intrinsic CRC32C instead of Ratis' Java
 * one and without Ratis' zero-filling ahead of every entry (docs/benchmarks.md, third and ninth
 * sessions).
 *
 * <p>Files {@code payload_FIRSTINDEX} hold records {@code [index u64][length u32][crc32c u32]
 * [payload]}, the CRC covering index, length and payload, one record per Raft entry that has a
 * payload, in increasing index order (entries without one, such as Ratis' own metadata entries,
 * leave gaps). A write at or below the last index first drops the records from that index on:
 * Ratis rewrites an index after a leader change ({@link #truncate}) and, after a crash, may lack
 * an entry whose payload was written here just before. On open the last file is checked record by
 * record and cut at the first torn one; the others are only walked, reads check the CRC.
 *
 * <p>Durability follows Ratis' log: {@link #flush} fsyncs on a shared executor while Ratis fsyncs
 * its own segment, and Ratis counts an entry flushed only once both are done. Thread-safe: Ratis
 * appends (and truncates) under its log lock, flushes from its log worker, reads from appenders and
 * the apply thread.
 */
final class PayloadLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PayloadLog.class);
  private static final Pattern FILE_NAME = Pattern.compile("payload_(\\d{20})");
  static final int RECORD_HEADER_BYTES = 16;

  /**
   * Fsyncs of all partitions. Each log has at most one round waiting here (later flushes join it),
   * so the queue is bounded by the number of logs; the threads by {@link #FLUSH_THREADS_MAX}.
   */
  private static final int FLUSH_THREADS_MAX = 32;
  private static final ExecutorService FLUSHER = flusher();

  private final Path dir;
  private final long segmentBytesMax;
  private final int payloadBytesMax;
  /** By first index; the indexes of one segment all lie below those of the next. */
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  /** Written to since their last fsync. */
  private final Set<Segment> unsynced = new LinkedHashSet<>();
  private Segment tail;
  private long syncedIndex = -1;
  /** A round of fsyncs queued that has not taken its files yet; it covers every write so far. */
  private CompletableFuture<Void> queuedRound;
  /** Moves at every truncation, so that an fsync started before one does not vouch for after. */
  private long truncations;
  private boolean closed;
  /**
   * The first append that failed. From then on no flush succeeds: the entry's Raft record may be
   * written without its payload, and this replica must never count it as flushed (Ratis then stops
   * the group's log; on the next start {@link PayloadlessTail} cuts the Raft log there, as after a
   * power loss).
   */
  private IOException appendFailure;
  private final Object syncing = new Object();

  private PayloadLog(Path dir, long segmentBytesMax, int payloadBytesMax) {
    this.dir = dir;
    this.segmentBytesMax = segmentBytesMax;
    this.payloadBytesMax = payloadBytesMax;
  }

  /**
   * Opens (creating) the payload files in {@code dir}, cutting a torn record off the last one.
   *
   * @param segmentBytesMax a new file is started once the current one reaches this size
   * @param payloadBytesMax the largest payload a record may have; a bigger length is damage
   */
  static PayloadLog open(Path dir, long segmentBytesMax, int payloadBytesMax) throws IOException {
    Files.createDirectories(dir);
    PayloadLog log = new PayloadLog(dir, segmentBytesMax, payloadBytesMax);
    List<Long> firsts = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Matcher name = FILE_NAME.matcher(file.getFileName().toString());
        if (name.matches()) {
          firsts.add(Long.parseLong(name.group(1)));
        }
      }
    }
    firsts.sort(null);
    for (int i = 0; i < firsts.size(); i++) {
      Segment segment = new Segment(dir.resolve(fileName(firsts.get(i))), firsts.get(i));
      segment.load(payloadBytesMax, i == firsts.size() - 1);
      if (segment.count == 0) {
        Files.delete(segment.path);
        continue;
      }
      log.segments.put(segment.firstIndex, segment);
    }
    log.tail = log.segments.isEmpty() ? null : log.segments.lastEntry().getValue();
    log.syncedIndex = log.lastIndex();
    return log;
  }

  private static String fileName(long firstIndex) {
    return String.format("payload_%020d", firstIndex);
  }

  /** The last index held, -1 when empty. */
  synchronized long lastIndex() {
    return tail == null ? -1 : tail.lastIndex();
  }

  /** The first index held, -1 when empty. */
  synchronized long firstIndex() {
    return segments.isEmpty() ? -1 : segments.firstKey();
  }

  /** Writes the payload of entry {@code index} (to the page cache), given as consecutive pieces. */
  synchronized void append(long index, List<ByteBuffer> pieces) throws IOException {
    checkOpen();
    try {
      write(index, pieces);
    } catch (IOException | RuntimeException e) {
      if (appendFailure == null) {
        appendFailure = new IOException("the payload of Raft entry " + index + " in " + dir + " was not written", e);
      }
      throw e;
    }
  }

  private void write(long index, List<ByteBuffer> pieces) throws IOException {
    long length = 0;
    for (ByteBuffer piece : pieces) {
      length += piece.remaining();
    }
    if (length > payloadBytesMax) {
      throw new IOException("payload of entry " + index + " has " + length + " bytes, more than " + payloadBytesMax);
    }
    if (tail != null && index <= tail.lastIndex()) {
      truncate(index);
    }
    if (tail == null || tail.bytes >= segmentBytesMax) {
      Segment next = new Segment(dir.resolve(fileName(index)), index);
      next.create();
      segments.put(index, next);
      tail = next;
    }
    ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(index).putInt((int) length);
    ByteBuffer[] all = new ByteBuffer[pieces.size() + 1];
    for (int i = 0; i < pieces.size(); i++) {
      all[i + 1] = pieces.get(i).duplicate();
    }
    header.putInt(Segment.crc(header, pieces)).flip();
    all[0] = header;
    tail.write(index, all, RECORD_HEADER_BYTES + length);
    unsynced.add(tail);
  }

  /** The payload of entry {@code index}, checked against its CRC. */
  synchronized ByteBuffer read(long index) throws IOException {
    checkOpen();
    Map.Entry<Long, Segment> holder = segments.floorEntry(index);
    int slot = holder == null ? -1 : holder.getValue().slotOf(index);
    if (slot < 0) {
      throw new IOException(
          "no payload for Raft entry " + index + " in " + dir + " (files hold: " + describe() + ")");
    }
    return holder.getValue().read(slot, index, payloadBytesMax);
  }

  /**
   * Makes everything written so far durable; completes once it is (at once when it is already).
   * The fsyncs run on a shared executor so that Ratis' own fsync of the entry runs meanwhile.
   */
  synchronized CompletableFuture<Void> flush(long index) {
    if (appendFailure != null) {
      return CompletableFuture.failedFuture(appendFailure);
    }
    if (index <= syncedIndex) {
      return CompletableFuture.completedFuture(null);
    }
    if (queuedRound == null) {
      CompletableFuture<Void> round = new CompletableFuture<>();
      queuedRound = round;
      FLUSHER.execute(
          () -> {
            try {
              sync(round);
              round.complete(null);
            } catch (RuntimeException e) {
              round.completeExceptionally(e);
            }
          });
    }
    return queuedRound;
  }

  /**
   * One fsync round; rounds of one log run one at a time, so a round that finds nothing left to
   * sync returns only after the round that took its files has forced them.
   */
  private void sync(CompletableFuture<Void> round) {
    synchronized (syncing) {
      List<Segment> toSync;
      long upTo;
      long truncationsBefore;
      synchronized (this) {
        if (queuedRound == round) {
          queuedRound = null; // writes from now on need the next round
        }
        toSync = new ArrayList<>(unsynced);
        unsynced.clear();
        upTo = lastIndex();
        truncationsBefore = truncations;
      }
      for (Segment segment : toSync) {
        try {
          segment.force();
        } catch (ClosedChannelException e) {
          // Truncated or dropped meanwhile: what it held is no longer wanted, and writes after
          // that went to a file that is in the set of the next round.
        } catch (IOException e) {
          synchronized (this) {
            unsynced.addAll(toSync);
          }
          throw new CompletionException("fsync of payload file " + segment.path + " failed", e);
        }
      }
      synchronized (this) {
        if (truncations == truncationsBefore) {
          syncedIndex = Math.max(syncedIndex, upTo);
        }
        for (Segment segment : toSync) {
          if (segment != tail && !unsynced.contains(segment)) {
            segment.closeChannel();
          }
        }
      }
    }
  }

  /** Drops the payloads of entries {@code fromIndex} and after (Ratis truncated its log there). */
  synchronized void truncate(long fromIndex) throws IOException {
    checkOpen();
    truncations++;
    syncedIndex = Math.min(syncedIndex, fromIndex - 1);
    while (!segments.isEmpty() && segments.lastKey() >= fromIndex) {
      Segment dropped = segments.pollLastEntry().getValue();
      unsynced.remove(dropped);
      dropped.delete();
    }
    tail = segments.isEmpty() ? null : segments.lastEntry().getValue();
    if (tail != null && fromIndex <= tail.lastIndex()) {
      tail.cutAt(fromIndex);
      unsynced.add(tail);
    }
  }

  /**
   * Deletes whole files whose entries all lie below {@code index} (Ratis no longer has them in its
   * log, so nobody reads them again), the one being written too if it is one of them.
   */
  synchronized void dropBelow(long index) throws IOException {
    checkOpen();
    while (!segments.isEmpty() && segments.firstEntry().getValue().lastIndex() < index) {
      Segment dropped = segments.pollFirstEntry().getValue();
      unsynced.remove(dropped);
      dropped.delete();
    }
    if (segments.isEmpty()) {
      tail = null;
    }
  }

  /** Number of payload files, for tests and logs. */
  synchronized int files() {
    return segments.size();
  }

  private String describe() {
    StringBuilder held = new StringBuilder();
    for (Segment s : segments.values()) {
      held.append(held.isEmpty() ? "" : ", ")
          .append(s.count)
          .append(" entries in ")
          .append(s.firstIndex)
          .append("..")
          .append(s.lastIndex());
    }
    return held.isEmpty() ? "nothing" : held.toString();
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    for (Segment segment : segments.values()) {
      segment.closeChannel();
    }
  }

  private static ExecutorService flusher() {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            FLUSH_THREADS_MAX,
            FLUSH_THREADS_MAX,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            run -> {
              Thread t = new Thread(run, "payload-fsync-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** One file: its records' positions and, while written or recently written, an open channel. */
  private static final class Segment {
    final Path path;
    final long firstIndex;
    /** Raft index and file position of the i-th record, indexes increasing. */
    long[] indexes = new long[64];
    long[] positions = new long[64];
    int count;
    long bytes;
    private volatile FileChannel channel;

    Segment(Path path, long firstIndex) {
      this.path = path;
      this.firstIndex = firstIndex;
    }

    long lastIndex() {
      return count == 0 ? firstIndex - 1 : indexes[count - 1];
    }

    /** The record of {@code index}, or a negative number when this file has none. */
    int slotOf(long index) {
      return Arrays.binarySearch(indexes, 0, count, index);
    }

    void create() throws IOException {
      channel =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Reads the record positions; {@code checkCrc}: also checks each payload and cuts the file at
     * the first record that is torn or damaged (the last file, written when the node stopped).
     */
    void load(int payloadBytesMax, boolean checkCrc) throws IOException {
      try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
        long size = in.size();
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long position = 0;
        String damage = null;
        while (position < size) {
          header.clear();
          if (readFully(in, header, position) < RECORD_HEADER_BYTES) {
            damage = "a torn record header";
            break;
          }
          long index = header.getLong(0);
          int length = header.getInt(8);
          if (index < firstIndex || index <= lastIndex() || length < 0 || length > payloadBytesMax) {
            damage = "record " + count + " claiming index " + index + " and " + length + " bytes";
            break;
          }
          if (position + RECORD_HEADER_BYTES + length > size) {
            damage = "a torn payload of entry " + index;
            break;
          }
          if (checkCrc && !crcMatches(in, header, position, length)) {
            damage = "a CRC mismatch in entry " + index;
            break;
          }
          add(index, position);
          position += RECORD_HEADER_BYTES + length;
        }
        bytes = position;
        if (damage != null) {
          LOG.warn(
              "payload file {}: {} at byte {} of {}; keeping entries {}..{} (the rest was being written"
                  + " when the node stopped; Raft has it again from the leader if it was committed)",
              path,
              damage,
              position,
              size,
              firstIndex,
              lastIndex());
        }
      }
      if (count > 0 && bytes < Files.size(path)) {
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.WRITE)) {
          out.truncate(bytes);
          out.force(true);
        }
      }
    }

    private static boolean crcMatches(FileChannel in, ByteBuffer header, long position, int length)
        throws IOException {
      ByteBuffer payload = ByteBuffer.allocate(length);
      readFully(in, payload, position + RECORD_HEADER_BYTES);
      return crc(header, List.of(payload.flip())) == header.getInt(12);
    }

    /** CRC32C of a record's index and length (the header's first 12 bytes) and its payload pieces. */
    static int crc(ByteBuffer header, List<ByteBuffer> payload) {
      CRC32C crc = new CRC32C();
      crc.update(header.array(), 0, 12);
      for (ByteBuffer piece : payload) {
        crc.update(piece.duplicate());
      }
      return (int) crc.getValue();
    }

    private void add(long index, long position) {
      if (count == positions.length) {
        indexes = Arrays.copyOf(indexes, count * 2);
        positions = Arrays.copyOf(positions, count * 2);
      }
      indexes[count] = index;
      positions[count++] = position;
    }

    void write(long index, ByteBuffer[] record, long recordBytes) throws IOException {
      FileChannel out = writer();
      out.position(bytes);
      long left = recordBytes;
      while (left > 0) {
        left -= out.write(record);
      }
      add(index, bytes);
      bytes += recordBytes;
    }

    ByteBuffer read(int slot, long index, int payloadBytesMax) throws IOException {
      long position = positions[slot];
      FileChannel open = channel;
      FileChannel in = open == null ? FileChannel.open(path, StandardOpenOption.READ) : open;
      try {
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int length = -1;
        if (readFully(in, header, position) == RECORD_HEADER_BYTES && header.getLong(0) == index) {
          length = header.getInt(8);
        }
        if (length < 0 || length > payloadBytesMax) {
          throw new IOException("payload file " + path + ": damaged record header of entry " + index);
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        if (readFully(in, payload, position + RECORD_HEADER_BYTES) < length
            || crc(header, List.of(payload.flip())) != header.getInt(12)) {
          throw new IOException("payload file " + path + ": CRC mismatch in entry " + index);
        }
        return payload;
      } finally {
        if (open == null) {
          in.close();
        }
      }
    }

    /** Removes the records of entry {@code index} and after from this file. */
    void cutAt(long index) throws IOException {
      int slot = slotOf(index);
      count = slot >= 0 ? slot : -slot - 1;
      bytes = positions[count];
      writer().truncate(bytes);
    }

    void force() throws IOException {
      FileChannel out = channel;
      if (out == null) {
        throw new ClosedChannelException();
      }
      out.force(false);
    }

    private FileChannel writer() throws IOException {
      if (channel == null) {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      return channel;
    }

    void closeChannel() {
      FileChannel open = channel;
      channel = null;
      if (open != null) {
        try {
          open.close();
        } catch (IOException e) {
          LOG.warn("closing payload file {}: {}", path, e.toString());
        }
      }
    }

    void delete() throws IOException {
      closeChannel();
      Files.deleteIfExists(path);
    }

    private static int readFully(FileChannel in, ByteBuffer into, long position) throws IOException {
      int total = 0;
      while (into.hasRemaining()) {
        int n = in.read(into, position + total);
        if (n < 0) {
          break;
        }
        total += n;
      }
      return total;
    }
  }
}
