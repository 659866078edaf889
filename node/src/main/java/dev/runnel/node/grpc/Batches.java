package dev.runnel.node.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.runnel.proto.internal.OpaqueRecordBatch;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.TimestampType;
import dev.runnel.storage.BatchHeader;
import dev.runnel.storage.StoredBatch;

/** Stored batches → wire batches, as they were stored: the payload is wrapped, never decoded. */
final class Batches {
  private Batches() {}

  static OpaqueRecordBatch toWire(StoredBatch stored) {
    BatchHeader h = stored.header();
    // The payload is the caller's own heap copy, never written again: wrapping is safe.
    ByteString payload = UnsafeByteOperations.unsafeWrap(stored.payload());
    OpaqueRecordBatch.Builder b =
        OpaqueRecordBatch.newBuilder()
            .setBaseOffset(h.baseOffset())
            .setRecordCount(h.recordCount())
            .setFirstTimestampMs(h.firstTimestampMs())
            .setMaxTimestampMs(h.maxTimestampMs())
            .setProducerId(h.producerId())
            .setProducerEpoch(h.producerEpoch())
            .setBaseSequence(h.baseSequence())
            .setCodecValue(h.codecId())
            .setCrc32C(h.crc32c())
            .setLogAppendTimeMs(h.appendTimeMs())
            .setTimestampType(
                h.logAppendTime()
                    ? TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME
                    : TimestampType.TIMESTAMP_TYPE_CREATE_TIME);
    if (h.codecId() == Codec.CODEC_NONE_VALUE) {
      b.setRecords(payload);
    } else {
      b.setCompressedRecords(payload);
    }
    return b.build();
  }
}
