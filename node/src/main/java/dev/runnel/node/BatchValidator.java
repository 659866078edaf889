package dev.runnel.node;

import com.google.protobuf.ByteString;
import dev.runnel.proto.Errors;
import dev.runnel.proto.Partitioning;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.OpaqueRecordBatch;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.storage.BatchHeader;
import dev.runnel.storage.Crc32c;
import io.grpc.Status;
import java.io.IOException;
import java.util.Map;

/**
 * Checks a produced batch before it goes to Raft and turns it into the Raft entry. The records
 * stay opaque bytes: the only per-record work is counting the top-level entries of the record
 * set (skipping over each, no decoding), so a batch that lies about its record count cannot
 * corrupt offsets. On a compacted topic each record's fields are also walked (still not parsed)
 * to refuse records without a key, as Kafka does: compaction keeps the latest record per key,
 * which means nothing for a record without one.
 *
 * <p>Compressed batches are counted too, which means decompressing them (streaming, bounded, on
 * the leader only, once per batch; see {@link BatchRecoder}). Deliberately: offsets are assigned
 * from record_count, so a wrong count would silently shift every later offset of the partition
 * for every consumer, and garbage would only be found by consumers long after the producer that
 * could fix it is gone. Kafka brokers validate compressed batches for the same reason. The
 * batch is still stored and served exactly as it came, unless the topic's compression.type asks
 * for another codec, which is the one case that re-encodes.
 */
public final class BatchValidator {
  /**
   * What a topic allows: its batch size limit, the codec it stores (null = the producer's),
   * whether every record needs a key (a compacted topic), and whether the node's append time
   * replaces the producer's timestamps (message.timestamp.type=LogAppendTime).
   */
  public record Limits(
      int maxMessageBytes,
      Codec storedCodec,
      long decompressedBytesMax,
      boolean keysRequired,
      boolean logAppendTime) {}

  private BatchValidator() {}

  /** The Raft entry for a valid batch; throws RunnelError otherwise. */
  public static AppendBatchCommand toCommand(
      String topic, OpaqueRecordBatch batch, Limits limits, long nowMs) {
    ByteString payload = payloadOf(batch);
    if (batch.getRecordCount() < 1) {
      throw RunnelError.invalidRequest("record_count must be >= 1, got " + batch.getRecordCount());
    }
    checkProducerFields(batch);
    int crc = Crc32c.of(payload.asReadOnlyByteBuffer());
    if (batch.hasCrc32C() && batch.getCrc32C() != crc) {
      throw new RunnelError(
          ErrorReason.CORRUPT_BATCH,
          Status.Code.INVALID_ARGUMENT,
          String.format(
              "the batch's crc32c is %08x but its records hash to %08x: corrupted in transit?",
              batch.getCrc32C(), crc));
    }
    Codec codec = batch.getCodec();
    Codec stored = limits.storedCodec() == null ? codec : limits.storedCodec();
    int counted;
    if (codec == Codec.CODEC_NONE && stored == Codec.CODEC_NONE) {
      checkSize(topic, payload.size(), limits.maxMessageBytes());
      counted = countRecords(topic, payload, limits.keysRequired());
    } else {
      BatchRecoder.Recoded recoded =
          BatchRecoder.recode(
              topic,
              codec,
              payload,
              stored,
              limits.maxMessageBytes(),
              limits.decompressedBytesMax(),
              limits.keysRequired());
      if (stored != codec) {
        payload = recoded.payload();
        crc = Crc32c.of(payload.asReadOnlyByteBuffer());
      }
      checkSize(topic, payload.size(), limits.maxMessageBytes());
      counted = recoded.recordCount();
    }
    if (counted != batch.getRecordCount()) {
      throw RunnelError.invalidRequest(
          "record_count is " + batch.getRecordCount() + " but the batch holds " + counted + " records");
    }
    // LogAppendTime: the append time is every record's timestamp, for the time index and for
    // consumers (flagged in the stored header's codec byte).
    long firstTs = batch.getFirstTimestampMs() > 0 && !limits.logAppendTime() ? batch.getFirstTimestampMs() : nowMs;
    long maxTs = batch.getMaxTimestampMs() > 0 && !limits.logAppendTime() ? batch.getMaxTimestampMs() : nowMs;
    return AppendBatchCommand.newBuilder()
        .setRecordCount(batch.getRecordCount())
        .setFirstTimestampMs(firstTs)
        .setMaxTimestampMs(Math.max(firstTs, maxTs))
        .setProducerId(batch.getProducerId())
        .setProducerEpoch(batch.getProducerEpoch())
        .setBaseSequence(batch.getBaseSequence())
        .setCodec(stored.getNumber() | (limits.logAppendTime() ? BatchHeader.LOG_APPEND_TIME_FLAG : 0))
        .setCrc32C(crc)
        .setAppendTimeMs(nowMs)
        .setPayload(payload)
        .build();
  }

  /** An idempotent producer's id, epoch and sequence must fit the stored header. */
  private static void checkProducerFields(OpaqueRecordBatch batch) {
    if (batch.getProducerId() < 0) {
      throw RunnelError.invalidRequest("producer_id must be >= 0 (0 = not idempotent), got " + batch.getProducerId());
    }
    if (batch.getProducerId() == 0) {
      return;
    }
    if (batch.getProducerEpoch() < 0 || batch.getProducerEpoch() > Short.MAX_VALUE) {
      throw RunnelError.invalidRequest(
          "producer_epoch must be 0.." + Short.MAX_VALUE + ", got " + batch.getProducerEpoch());
    }
    if (batch.getBaseSequence() < 0
        || (long) batch.getBaseSequence() + batch.getRecordCount() - 1 > Integer.MAX_VALUE) {
      throw RunnelError.invalidRequest(
          "base_sequence must be >= 0 and leave room for the batch's records, got " + batch.getBaseSequence());
    }
  }

  private static void checkSize(String topic, int sizeBytes, int maxMessageBytes) {
    if (sizeBytes > maxMessageBytes) {
      throw tooLarge(topic, sizeBytes, maxMessageBytes, "");
    }
  }

  static RunnelError tooLarge(String topic, long sizeBytes, int maxMessageBytes, String when) {
    return new RunnelError(
        ErrorReason.RECORD_TOO_LARGE,
        Status.Code.INVALID_ARGUMENT,
        "the batch is "
            + (when.isEmpty() ? "" : "at least ")
            + sizeBytes
            + " bytes"
            + when
            + "; topic '"
            + topic
            + "' accepts at most max.message.bytes="
            + maxMessageBytes,
        Map.of(Errors.MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes)));
  }

  /** Field 15 (uncompressed records) or 16 (compressed), exactly one of them. */
  static ByteString payloadOf(OpaqueRecordBatch batch) {
    boolean plain = batch.getCodec() == Codec.CODEC_NONE;
    if (batch.getCodec() == Codec.UNRECOGNIZED) {
      throw RunnelError.invalidRequest("unknown codec " + batch.getCodecValue());
    }
    ByteString payload = plain ? batch.getRecords() : batch.getCompressedRecords();
    ByteString other = plain ? batch.getCompressedRecords() : batch.getRecords();
    if (!other.isEmpty()) {
      throw RunnelError.invalidRequest(
          plain
              ? "codec NONE but compressed_records is set"
              : "a compressed batch must carry compressed_records, not records");
    }
    if (payload.isEmpty()) {
      throw RunnelError.invalidRequest("the batch has no records");
    }
    return payload;
  }

  private static int countRecords(String topic, ByteString recordSet, boolean keysRequired) {
    try {
      return BatchRecoder.countRecords(recordSet.newCodedInput(), topic, keysRequired);
    } catch (IOException e) {
      throw RunnelError.invalidRequest("the batch's records are not a valid RecordSet: " + e.getMessage());
    }
  }

  /**
   * The partition for a batch produced without one: all records keyed alike → murmur2(key) %
   * partitions; no keys → {@code roundRobin}; mixed keys → refused. Only used on this fallback
   * path (plain gRPC clients); SDKs choose partitions themselves.
   */
  public static int choosePartition(OpaqueRecordBatch batch, int partitions, int roundRobin) {
    if (batch.getCodec() != Codec.CODEC_NONE) {
      throw RunnelError.invalidRequest("a compressed batch must name its partition");
    }
    RecordSet records;
    try {
      records = RecordSet.parseFrom(batch.getRecords());
    } catch (IOException e) {
      throw RunnelError.invalidRequest("the batch's records are not a valid RecordSet: " + e.getMessage());
    }
    ByteString key = null;
    boolean unkeyed = false;
    for (Record r : records.getRecordsList()) {
      if (!r.hasKey()) {
        unkeyed = true;
      } else if (key == null) {
        key = r.getKey();
      } else if (!key.equals(r.getKey())) {
        throw RunnelError.invalidRequest(
            "a batch without a partition must hold records of one key, or no keys; set partition");
      }
    }
    if (key != null && unkeyed) {
      throw RunnelError.invalidRequest(
          "a batch without a partition must not mix keyed and unkeyed records; set partition");
    }
    return key == null
        ? Math.floorMod(roundRobin, partitions)
        : Partitioning.partitionForKey(key.toByteArray(), partitions);
  }
}
