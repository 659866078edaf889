package dev.runnel.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * Records for one partition that travel in one Produce call, with the futures of their send()s.
 * Filled by user threads under the accumulator's lock, then closed and owned by the sender.
 */
final class ProducerBatch {
  private final TopicPartition tp;
  private final long createdMs;
  private final List<Record> records = new ArrayList<>();
  private final List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
  private long sizeBytes;
  private long firstTimestampMs = Long.MAX_VALUE;
  private long maxTimestampMs;
  private boolean closed;
  private int attempts;
  /** Position among the batches the producer drained, given at the first drain; orders retries. */
  private long drainOrder = -1;
  private boolean sentAsRetry;
  private long retryAtMs;
  private RecordBatch encoded;
  private long producerId;
  private short producerEpoch;
  private int baseSequence;

  ProducerBatch(TopicPartition tp, long createdMs) {
    this.tp = tp;
    this.createdMs = createdMs;
  }

  /** Bytes {@code record} adds to the batch's RecordSet: the memory and size limits count these. */
  static int encodedSizeBytes(Record record) {
    return CodedOutputStream.computeMessageSize(RecordSet.RECORDS_FIELD_NUMBER, record);
  }

  /** True when {@code sizeBytes} more would overflow {@code batchSizeBytes} (an empty batch always fits). */
  boolean wouldOverflow(long recordSizeBytes, int batchSizeBytes) {
    return !records.isEmpty() && sizeBytes + recordSizeBytes > batchSizeBytes;
  }

  void append(Record record, long recordSizeBytes, CompletableFuture<RecordMetadata> future) {
    if (closed) {
      throw new IllegalStateException("append to closed batch of " + tp);
    }
    records.add(record);
    futures.add(future);
    sizeBytes += recordSizeBytes;
    firstTimestampMs = Math.min(firstTimestampMs, record.getTimestampMs());
    maxTimestampMs = Math.max(maxTimestampMs, record.getTimestampMs());
  }

  /**
   * The wire batch, encoded (and compressed with {@code codec}) once on first use so retries
   * resend the same bytes and CRC. The CRC32C covers the bytes as sent: the serialized RecordSet,
   * or the compressed one.
   */
  RecordBatch encoded(Codec codec) {
    if (encoded == null) {
      RecordSet set = RecordSet.newBuilder().addAllRecords(records).build();
      ByteString bytes = set.toByteString();
      RecordBatch.Builder batch =
          RecordBatch.newBuilder()
              .setRecordCount(records.size())
              .setFirstTimestampMs(firstTimestampMs)
              .setMaxTimestampMs(maxTimestampMs)
              .setProducerId(producerId)
              .setProducerEpoch(producerEpoch)
              .setBaseSequence(baseSequence);
      if (codec != Codec.CODEC_NONE) {
        bytes = Codecs.compress(codec, bytes);
        batch.setCodec(codec).setCompressedRecords(bytes);
      } else {
        batch.setRecords(set);
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes.asReadOnlyByteBuffer());
      encoded = batch.setCrc32C((int) crc.getValue()).build();
    }
    return encoded;
  }

  void complete(ProduceResponse response) {
    for (int i = 0; i < futures.size(); i++) {
      long timestampMs = records.get(i).getTimestampMs();
      futures.get(i)
          .complete(
              new RecordMetadata(
                  tp.topic(),
                  tp.partition(),
                  // -1: acknowledged before the commit assigned offsets (ACKS_LEADER, ACKS_NONE)
                  response.getBaseOffset() < 0 ? -1 : response.getBaseOffset() + i,
                  timestampMs == 0 ? response.getLogAppendTimeMs() : timestampMs));
    }
  }

  void fail(RunnelException error) {
    for (CompletableFuture<RecordMetadata> future : futures) {
      future.completeExceptionally(error);
    }
  }

  /** Sets the idempotent producer's numbers (id 0 = none); the batch is encoded again with them. */
  void stamp(long producerId, short producerEpoch, int baseSequence) {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.encoded = null;
  }

  long producerId() {
    return producerId;
  }

  short producerEpoch() {
    return producerEpoch;
  }

  TopicPartition tp() {
    return tp;
  }

  long createdMs() {
    return createdMs;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  int recordCount() {
    return records.size();
  }

  List<CompletableFuture<RecordMetadata>> futures() {
    return futures;
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    closed = true;
  }

  int attempts() {
    return attempts;
  }

  void onAttempt() {
    attempts++;
  }

  long drainOrder() {
    return drainOrder;
  }

  void drainedAs(long drainOrder) {
    this.drainOrder = drainOrder;
  }

  /** Whether the batch's latest send was a retry (it then travels alone; see RecordAccumulator). */
  boolean sentAsRetry() {
    return sentAsRetry;
  }

  void sentAsRetry(boolean sentAsRetry) {
    this.sentAsRetry = sentAsRetry;
  }

  long retryAtMs() {
    return retryAtMs;
  }

  void retryAt(long retryAtMs) {
    this.retryAtMs = retryAtMs;
  }
}
