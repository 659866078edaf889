package dev.runnel.sdk;

import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/** Turns fetched batches into consumer records; pure, so the offset rules are unit-tested. */
final class BatchDecoder {
  private BatchDecoder() {}

  /**
   * Appends to {@code out} the records of {@code batch} at or after {@code fromOffset}. A record's
   * offset is the batch's base offset plus its index; the node returns whole batches, so the first
   * one may start before the offset that was asked for.
   */
  static void decode(TopicPartition tp, RecordBatch batch, long fromOffset, List<ConsumerRecord> out) {
    if (batch.getCodec() != Codec.CODEC_NONE) {
      throw RunnelException.local(
          ErrorReason.ERROR_REASON_UNSPECIFIED,
          Status.Code.UNIMPLEMENTED,
          "compressed batches not supported by this SDK version (" + batch.getCodec() + " batch at "
              + tp + " offset " + batch.getBaseOffset() + ")");
    }
    List<Record> records = batch.getRecords().getRecordsList();
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
