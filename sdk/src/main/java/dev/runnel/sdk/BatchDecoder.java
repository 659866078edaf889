package dev.runnel.sdk;

import com.google.protobuf.ByteString;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
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
   * offset is the batch's base offset plus its index; the node returns whole batches, so the first
   * one may start before the offset that was asked for.
   */
  static void decode(TopicPartition tp, RecordBatch batch, long fromOffset, List<ConsumerRecord> out) {
    List<Record> records = records(tp, batch);
    if (records.size() != batch.getRecordCount()) {
      throw unreadable(
          tp, batch, "it says it holds " + batch.getRecordCount() + " records but holds " + records.size());
    }
    long baseOffset = batch.getBaseOffset();
    int first = (int) Math.max(0, Math.min(records.size(), fromOffset - baseOffset));
    for (int i = first; i < records.size(); i++) {
      Record r = records.get(i);
      out.add(
          new ConsumerRecord(
              tp.topic(),
              tp.partition(),
              baseOffset + i,
              r.hasKey() ? r.getKey().toByteArray() : null,
              r.hasValue() ? r.getValue().toByteArray() : null,
              headers(r),
              r.getTimestampMs() != 0 ? r.getTimestampMs() : batch.getLogAppendTimeMs()));
    }
  }

  /** The batch's records, decompressed if need be; a batch that cannot be read is a clear error. */
  private static List<Record> records(TopicPartition tp, RecordBatch batch) {
    switch (batch.getCodec()) {
      case CODEC_NONE:
        return batch.getRecords().getRecordsList();
      case CODEC_LZ4:
      case CODEC_ZSTD:
        try {
          ByteString set =
              Codecs.decompress(batch.getCodec(), batch.getCompressedRecords(), DECOMPRESSED_BYTES_MAX);
          return RecordSet.parseFrom(set).getRecordsList();
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
      headers.add(new RecordHeader(h.getKey(), h.getValue().toByteArray()));
    }
    return List.copyOf(headers);
  }
}
