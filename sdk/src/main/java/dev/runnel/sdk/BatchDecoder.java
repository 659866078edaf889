package dev.runnel.sdk;

import com.google.protobuf.ByteString;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.proto.v1.TimestampType;
import io.grpc.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Turns fetched batches into consumer records; pure, so the offset rules are unit-tested. */
final class BatchDecoder {
  /**
   * Largest RecordSet a compressed batch may decompress to here; the same as the most a node can
   * be configured to accept ({@code batch.decompressed.bytes.max}), so anything a node stored is
   * readable.
   */
  static final long DECOMPRESSED_BYTES_MAX = 256L << 20;

  private BatchDecoder() {}

  /**
   * Appends to {@code out} the records of {@code batch} at or after {@code fromOffset}. A record's
   * offset is the batch's base offset plus its index, or plus its entry in {@code offset_deltas}
   * when the batch was compacted (then offsets have gaps). The node returns whole batches, so the
   * first one may start before the offset that was asked for.
   */
  static void decode(TopicPartition tp, RecordBatch batch, long fromOffset, List<ConsumerRecord> out) {
    RecordSet set = recordSet(tp, batch);
    List<Record> records = set.getRecordsList();
    int[] deltas = offsetDeltas(tp, batch, set);
    long baseOffset = batch.getBaseOffset();
    int i = 0;
    for (Record r : records) {
      long offset = baseOffset + deltas[i++];
      if (offset < fromOffset) {
        continue;
      }
      out.add(
          new ConsumerRecord(
              tp.topic(),
              tp.partition(),
              offset,
              r.hasKey() ? r.getKey().toByteArray() : null,
              r.hasValue() ? r.getValue().toByteArray() : null,
              headers(r),
              timestampOf(batch, r)));
    }
  }

  /** The record's CreateTime, or the batch's append time on LogAppendTime topics (or when unset). */
  private static long timestampOf(RecordBatch batch, Record r) {
    boolean appendTime =
        batch.getTimestampType() == TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME || r.getTimestampMs() == 0;
    return appendTime ? batch.getLogAppendTimeMs() : r.getTimestampMs();
  }

  /** The offset after the last one {@code batch} covers (kept or compacted away). */
  static long endOffset(RecordBatch batch) {
    return batch.getBaseOffset() + batch.getRecordCount();
  }

  /**
   * Each record's offset minus the base offset: its index when the batch is dense, else the
   * checked {@code offset_deltas} (strictly increasing, below record_count, one per record).
   */
  private static int[] offsetDeltas(TopicPartition tp, RecordBatch batch, RecordSet set) {
    int count = set.getRecordsCount();
    int[] deltas = new int[count];
    if (set.getOffsetDeltasCount() == 0) {
      if (count != batch.getRecordCount()) {
        throw unreadable(tp, batch, "it says it holds " + batch.getRecordCount() + " records but holds " + count);
      }
      for (int i = 0; i < count; i++) {
        deltas[i] = i;
      }
      return deltas;
    }
    if (set.getOffsetDeltasCount() != count) {
      throw unreadable(
          tp, batch, "it holds " + count + " records but " + set.getOffsetDeltasCount() + " offset deltas");
    }
    int previous = -1;
    for (int i = 0; i < count; i++) {
      int delta = set.getOffsetDeltas(i);
      if (delta <= previous || delta >= batch.getRecordCount()) {
        throw unreadable(
            tp, batch, "offset delta " + delta + " of record " + i + " is out of order or beyond record_count "
                + batch.getRecordCount());
      }
      deltas[i] = delta;
      previous = delta;
    }
    return deltas;
  }

  /** The batch's record set, decompressed if need be; a batch that cannot be read is a clear error. */
  private static RecordSet recordSet(TopicPartition tp, RecordBatch batch) {
    switch (batch.getCodec()) {
      case CODEC_NONE:
        return batch.getRecords();
      case CODEC_LZ4:
      case CODEC_ZSTD:
        try {
          ByteString set =
              Codecs.decompress(batch.getCodec(), batch.getCompressedRecords(), DECOMPRESSED_BYTES_MAX);
          return RecordSet.parseFrom(set);
        } catch (IOException e) {
          throw unreadable(tp, batch, "its " + batch.getCodec() + " records cannot be decompressed: " + e.getMessage());
        }
      default:
        throw unreadable(
            tp, batch, "its codec " + batch.getCodecValue() + " is unknown to this SDK version (newer node or client?)");
    }
  }

  private static RunnelException unreadable(TopicPartition tp, RecordBatch batch, String why) {
    return RunnelException.local(
        ErrorReason.CORRUPT_BATCH,
        Status.Code.DATA_LOSS,
        "CORRUPT_BATCH: cannot read the batch at offset " + batch.getBaseOffset() + " of topic '" + tp.topic()
            + "' partition " + tp.partition() + ": " + why);
  }

  private static List<RecordHeader> headers(Record r) {
    if (r.getHeadersCount() == 0) {
      return List.of();
    }
    List<RecordHeader> headers = new ArrayList<>(r.getHeadersCount());
    for (Header h : r.getHeadersList()) {
      headers.add(new RecordHeader(h.getKey(), h.hasValue() ? h.getValue().toByteArray() : null));
    }
    return List.copyOf(headers);
  }
}
