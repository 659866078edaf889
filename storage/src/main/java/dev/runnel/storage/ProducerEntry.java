package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a partition remembers of one idempotent producer: its epoch, the last sequence number it
 * wrote, and its last few batches, so that a retry of a batch already in the log is recognised
 * and answered with the offset it got the first time instead of being written again.
 *
 * <p>Decisions ({@link #check}) depend only on this entry and the batch header, so every replica
 * applying the same Raft entries decides alike.
 *
 * @param epoch the producer's current epoch in this partition; a lower epoch is fenced
 * @param lastSequence the sequence number of the last record written in this epoch
 * @param recent the last batches written in this epoch, oldest first, at most {@link #RECENT_MAX}
 * @param lastAppendTimeMs the leader's append time of the producer's last batch here (0: unknown,
 *     from before this was recorded); the entry expires when a batch comes that much later
 */
public record ProducerEntry(short epoch, int lastSequence, List<Written> recent, long lastAppendTimeMs) {
  /** Batches remembered per producer: as many as a producer may have in flight per partition. */
  public static final int RECENT_MAX = 5;

  /** One batch a producer wrote: its sequence range and the offset it was stored at. */
  public record Written(int baseSequence, int lastSequence, long baseOffset) {}

  public ProducerEntry {
    recent = List.copyOf(recent);
  }

  /** What to do with a batch. */
  public sealed interface Decision permits Append, Duplicate {}

  /** Write the batch. */
  public record Append() implements Decision {}

  /** The batch is a retry of one already stored at {@code baseOffset}: do not write it again. */
  public record Duplicate(long baseOffset) implements Decision {}

  /**
   * Whether the producer has been idle so long, at {@code nowMs} (a batch's leader append time),
   * that the partition forgets it. {@code expirationMs} 0 keeps producers forever.
   */
  public boolean expiredAt(long nowMs, long expirationMs) {
    return expirationMs > 0 && lastAppendTimeMs > 0 && nowMs - lastAppendTimeMs > expirationMs;
  }

  /**
   * Decides on a batch of an idempotent producer ({@code producerId > 0}).
   *
   * @param entry the producer's entry in this partition, or null when it never wrote here; an
   *     expired entry must be passed as null (see {@link #expiredAt})
   * @throws ProducerFencedException if the batch's epoch is older than the entry's
   * @throws OutOfOrderSequenceException if the batch does not continue the producer's sequence
   *     and is not a retry of a remembered batch
   */
  public static Decision check(ProducerEntry entry, BatchHeader batch) {
    int lastSequence = lastSequenceOf(batch);
    if (entry != null && batch.producerEpoch() < entry.epoch()) {
      throw new ProducerFencedException("producer " + batch.producerId() + " epoch " + batch.producerEpoch()
          + " is fenced: epoch " + entry.epoch() + " has written to this partition");
    }
    if (entry == null || batch.producerEpoch() > entry.epoch()) {
      if (batch.baseSequence() != 0) {
        throw outOfOrder(batch, entry == null
            ? "this partition does not know the producer (never wrote here, or idle past "
                + "producer.id.expiration.ms): its first batch must start at sequence 0 of a new epoch"
            : "the first batch of an epoch must start at sequence 0");
      }
      return new Append();
    }
    for (Written written : entry.recent()) {
      if (written.baseSequence() == batch.baseSequence() && written.lastSequence() == lastSequence) {
        return new Duplicate(written.baseOffset());
      }
    }
    if (batch.baseSequence() != entry.lastSequence() + 1) {
      throw outOfOrder(batch, "expected sequence " + (entry.lastSequence() + 1));
    }
    return new Append();
  }

  /** The entry after {@code batch} (which {@link #check} let through) was stored at its base offset. */
  public static ProducerEntry after(ProducerEntry entry, BatchHeader stored) {
    List<Written> recent = new ArrayList<>();
    if (entry != null && entry.epoch() == stored.producerEpoch()) {
      recent.addAll(entry.recent());
    }
    int lastSequence = lastSequenceOf(stored);
    recent.add(new Written(stored.baseSequence(), lastSequence, stored.baseOffset()));
    while (recent.size() > RECENT_MAX) {
      recent.remove(0);
    }
    return new ProducerEntry(stored.producerEpoch(), lastSequence, recent, stored.appendTimeMs());
  }

  private static int lastSequenceOf(BatchHeader batch) {
    return batch.baseSequence() + batch.recordCount() - 1;
  }

  private static OutOfOrderSequenceException outOfOrder(BatchHeader batch, String expected) {
    return new OutOfOrderSequenceException("producer " + batch.producerId() + " epoch " + batch.producerEpoch()
        + ": batch with sequence " + batch.baseSequence() + " is out of order; " + expected);
  }

  /**
   * epoch(2) lastSequence(4) count(1), per batch baseSequence(4) lastSequence(4) baseOffset(8),
   * then lastAppendTimeMs(8), big-endian. Entries written before lastAppendTimeMs existed end
   * after the batches and decode with 0.
   */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(7 + recent.size() * 16 + 8).order(ByteOrder.BIG_ENDIAN);
    out.putShort(epoch).putInt(lastSequence).put((byte) recent.size());
    for (Written written : recent) {
      out.putInt(written.baseSequence()).putInt(written.lastSequence()).putLong(written.baseOffset());
    }
    out.putLong(lastAppendTimeMs);
    return out.array();
  }

  public static ProducerEntry decode(ByteBuffer in) {
    ByteBuffer bigEndian = in.duplicate().order(ByteOrder.BIG_ENDIAN);
    short epoch = bigEndian.getShort();
    int lastSequence = bigEndian.getInt();
    int count = bigEndian.get();
    List<Written> recent = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      recent.add(new Written(bigEndian.getInt(), bigEndian.getInt(), bigEndian.getLong()));
    }
    long lastAppendTimeMs = bigEndian.remaining() >= 8 ? bigEndian.getLong() : 0;
    return new ProducerEntry(epoch, lastSequence, recent, lastAppendTimeMs);
  }
}
