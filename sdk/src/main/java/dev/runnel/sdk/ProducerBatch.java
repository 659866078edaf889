package dev.runnel.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.internal.OpaqueRecordBatch;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ProduceResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * Records for one partition that travel in one Produce call, with the futures of their send()s.
 * Filled by user threads under the accumulator's lock, then closed and owned by the sender. The
 * records are kept serialized, as the RecordSet bytes sent on the wire ({@link RecordEncoder}).
 */
final class ProducerBatch {
  /** First buffer of a batch; it doubles as records come, so a quiet partition holds little. */
  private static final int INITIAL_BUFFER_BYTES = 16 * 1024;

  private final TopicPartition tp;
  private final long createdMs;
  private byte[] records = new byte[0];
  private long[] timestampsMs = new long[16];
  private final List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
  private int sizeBytes;
  private long firstTimestampMs = Long.MAX_VALUE;
  private long maxTimestampMs;
  private boolean closed;
  private int attempts;
  /** Position among the batches the producer drained, given at the first drain; orders retries. */
  private long drainOrder = -1;
  private boolean sentAsRetry;
  private long retryAtMs;
  private OpaqueRecordBatch encoded;
  private long producerId;
  private short producerEpoch;
  private int baseSequence;

  ProducerBatch(TopicPartition tp, long createdMs) {
    this.tp = tp;
    this.createdMs = createdMs;
  }

  /** True when {@code sizeBytes} more would overflow {@code batchSizeBytes} (an empty batch always fits). */
  boolean wouldOverflow(long recordSizeBytes, int batchSizeBytes) {
    return !futures.isEmpty() && sizeBytes + recordSizeBytes > batchSizeBytes;
  }

  /**
   * Serializes {@code record} (stamped {@code timestampMs}) into the batch; {@code recordSizeBytes}
   * is {@link RecordEncoder#sizeInSet}'s answer for it.
   */
  void append(ProducerRecord record, long timestampMs, int recordSizeBytes, CompletableFuture<RecordMetadata> future) {
    if (closed) {
      throw new IllegalStateException("append to closed batch of " + tp);
    }
    int needed = sizeBytes + recordSizeBytes;
    if (needed > records.length) {
      records = Arrays.copyOf(records, Math.max(needed, Math.max(INITIAL_BUFFER_BYTES, 2 * records.length)));
    }
    RecordEncoder.writeInSet(record, timestampMs, records, sizeBytes, recordSizeBytes);
    int count = futures.size();
    if (count == timestampsMs.length) {
      timestampsMs = Arrays.copyOf(timestampsMs, 2 * count);
    }
    timestampsMs[count] = timestampMs;
    futures.add(future);
    sizeBytes = needed;
    firstTimestampMs = Math.min(firstTimestampMs, timestampMs);
    maxTimestampMs = Math.max(maxTimestampMs, timestampMs);
  }

  /**
   * The wire batch, encoded (and compressed with {@code codec}) once on first use so retries
   * resend the same bytes and CRC. The CRC32C covers the bytes as sent: the serialized RecordSet,
   * or the compressed one.
   */
  OpaqueRecordBatch encoded(Codec codec) {
    if (encoded == null) {
      // The buffer is final once the batch is closed, so the wire bytes may share it.
      ByteString bytes = UnsafeByteOperations.unsafeWrap(records, 0, sizeBytes);
      OpaqueRecordBatch.Builder batch =
          OpaqueRecordBatch.newBuilder()
              .setRecordCount(futures.size())
              .setFirstTimestampMs(firstTimestampMs)
              .setMaxTimestampMs(maxTimestampMs)
              .setProducerId(producerId)
              .setProducerEpoch(producerEpoch)
              .setBaseSequence(baseSequence);
      if (codec != Codec.CODEC_NONE) {
        bytes = Codecs.compress(codec, bytes);
        batch.setCodec(codec).setCompressedRecords(bytes);
      } else {
        batch.setRecords(bytes);
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes.asReadOnlyByteBuffer());
      encoded = batch.setCrc32C((int) crc.getValue()).build();
    }
    return encoded;
  }

  void complete(ProduceResponse response) {
    for (int i = 0; i < futures.size(); i++) {
      long timestampMs = timestampsMs[i];
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
    return futures.size();
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
