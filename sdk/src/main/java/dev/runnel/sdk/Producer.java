package dev.runnel.sdk;

import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.InitProducerIdRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Sends records to Runnel topics. Thread-safe: many threads may call {@link #send} at once.
 * Records are grouped per partition into batches sent when full ({@code batchSizeBytes}) or after
 * {@code lingerMs}, several per partition in flight on one ProduceStream per node ({@code
 * maxInFlightPerPartition}); an idempotent producer (the default) keeps each partition's records
 * in send order across retries.
 */
public final class Producer implements AutoCloseable {
  private final ProducerSettings settings;
  private final ChannelPool channels;
  private final ClusterMetadata metadata;
  private final Partitioner partitioner;
  private final BufferMemory memory;
  private final RecordAccumulator accumulator;
  private final ProduceStreams streams;
  private final Thread senderThread;
  private final LongSupplier clockMs = System::currentTimeMillis;
  private volatile boolean closed;

  private Producer(ProducerSettings settings, Function<String, ManagedChannel> channelFactory) {
    ConnectionSettings connection = settings.connection();
    this.settings = settings;
    this.channels = new ChannelPool(channelFactory);
    this.metadata = new ClusterMetadata(channels, connection.bootstrap(), connection.requestTimeoutMs());
    this.partitioner = new Partitioner(new Random());
    this.memory = new BufferMemory(settings.bufferMemoryBytes());
    this.accumulator =
        new RecordAccumulator(settings.batchSizeBytes(), settings.lingerMs(), settings.maxInFlightPerPartition());
    this.streams = new ProduceStreams(channels);
    Sender sender =
        new Sender(
            accumulator,
            memory,
            partitioner,
            metadata,
            streams,
            connection.backoff(),
            connection.requestTimeoutMs(),
            settings.acks(),
            settings.compression(),
            settings.idempotence() ? idempotence(settings, metadata) : null,
            clockMs);
    this.senderThread = new Thread(sender, "runnel-producer-sender");
    senderThread.setDaemon(true);
    senderThread.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The producer's id comes from any node, retried like every other call. */
  private static Idempotence idempotence(ProducerSettings settings, ClusterMetadata metadata) {
    ConnectionSettings connection = settings.connection();
    InitProducerIdRequest request =
        InitProducerIdRequest.newBuilder().setProducerName(settings.producerName()).build();
    return new Idempotence(
        settings.producerName(),
        () ->
            connection
                .backoff()
                .call(
                    () ->
                        metadata.callAnyNode(
                            channel ->
                                BrokerGrpc.newBlockingStub(channel)
                                    .withDeadlineAfter(connection.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                                    .initProducerId(request))));
  }

  /**
   * Queues {@code record} for sending. Blocks only while the buffer is full (up to {@code
   * maxBlockMs}) or the topic's metadata is first looked up; every failure, including those,
   * completes the future exceptionally with a {@link RunnelException}.
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
    if (closed) {
      throw new IllegalStateException("producer is closed");
    }
    CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
    try {
      int partitionCount = metadata.partitionCount(record.topic());
      int partition = partitioner.partition(record, partitionCount);
      if (partition >= partitionCount) {
        throw RunnelException.local(
            ErrorReason.UNKNOWN_PARTITION,
            Status.Code.NOT_FOUND,
            "UNKNOWN_PARTITION: topic " + record.topic() + " has " + partitionCount
                + " partitions, no partition " + partition);
      }
      long nowMs = clockMs.getAsLong();
      long timestampMs = record.timestampMs() == 0 ? nowMs : record.timestampMs();
      int sizeBytes = RecordEncoder.sizeInSet(record, timestampMs);
      memory.reserve(sizeBytes, settings.maxBlockMs());
      TopicPartition tp = new TopicPartition(record.topic(), partition);
      try {
        if (accumulator.append(tp, record, timestampMs, sizeBytes, future, nowMs)) {
          partitioner.onBatchClosed(tp);
        }
      } catch (IllegalStateException e) {
        memory.release(sizeBytes);
        throw e;
      }
    } catch (RunnelException e) {
      future.completeExceptionally(e);
    }
    return future;
  }

  /** Sends {@code record} and waits for its acknowledgement; throws {@link RunnelException}. */
  public RecordMetadata sendSync(ProducerRecord record) {
    try {
      return send(record).join();
    } catch (CompletionException e) {
      throw RunnelException.from(e);
    }
  }

  /** Sends everything buffered now, without waiting for linger, and waits until all sends finish. */
  public void flush() {
    accumulator.beginFlush();
    try {
      for (CompletableFuture<RecordMetadata> future : accumulator.incompleteFutures()) {
        // Failures are reported through each send's own future; flush only waits.
        future.handle((ok, error) -> null).join();
      }
    } finally {
      accumulator.endFlush();
    }
  }

  /** Flushes, then stops the sender and closes the connections. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    flush();
    accumulator.close();
    try {
      senderThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    streams.close();
    channels.close();
  }

  /** Validated producer settings. */
  record ProducerSettings(
      ConnectionSettings connection,
      long lingerMs,
      int batchSizeBytes,
      long bufferMemoryBytes,
      long maxBlockMs,
      Acks acks,
      Codec compression,
      boolean idempotence,
      String producerName,
      int maxInFlightPerPartition) {}

  /** Builds a {@link Producer}; every setting is checked against its bound in {@link #build}. */
  public static final class Builder extends ClientBuilder<Builder> {
    static final int BATCH_SIZE_BYTES_MAX = 16 * 1024 * 1024;
    static final int PRODUCER_NAME_LENGTH_MAX = 249;
    /**
     * A partition remembers an idempotent producer's last 5 batches (storage's
     * ProducerEntry.RECENT_MAX) to recognise retries of them, so no more may be in flight.
     */
    static final int MAX_IN_FLIGHT_PER_PARTITION_MAX = 5;

    private int lingerMs = 5;
    private int batchSizeBytes = 256 * 1024;
    private long bufferMemoryBytes = 32L * 1024 * 1024;
    private long maxBlockMs = 60_000;
    private Acks acks = Acks.ACKS_QUORUM;
    private Codec compression = Codec.CODEC_NONE;
    /** Null: on with the acks that report the commit (QUORUM, ALL), off with LEADER and NONE. */
    private Boolean idempotence;
    private String producerName = "";
    private int maxInFlightPerPartition = MAX_IN_FLIGHT_PER_PARTITION_MAX;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder lingerMs(int lingerMs) {
      this.lingerMs = lingerMs;
      return this;
    }

    public Builder batchSizeBytes(int batchSizeBytes) {
      this.batchSizeBytes = batchSizeBytes;
      return this;
    }

    public Builder bufferMemoryBytes(long bufferMemoryBytes) {
      this.bufferMemoryBytes = bufferMemoryBytes;
      return this;
    }

    public Builder maxBlockMs(long maxBlockMs) {
      this.maxBlockMs = maxBlockMs;
      return this;
    }

    /**
     * When a send counts as done: {@code ACKS_QUORUM} (default: a majority of replicas has it),
     * {@code ACKS_ALL} (every replica), {@code ACKS_LEADER} (the leader accepted it, before
     * replication; offsets are reported as -1) or {@code ACKS_NONE} (fire and forget).
     */
    public Builder acks(Acks acks) {
      this.acks = acks;
      return this;
    }

    /**
     * How each batch's records are compressed before they are sent: {@code CODEC_NONE}
     * (default), {@code CODEC_LZ4} or {@code CODEC_ZSTD}. Consumers decompress transparently;
     * {@code batchSizeBytes} and {@code bufferMemoryBytes} count uncompressed bytes, the topic's
     * {@code max.message.bytes} the compressed batch.
     */
    public Builder compression(Codec compression) {
      this.compression = compression;
      return this;
    }

    /**
     * Whether retries may never write a record twice (default: on with {@code ACKS_QUORUM} and
     * {@code ACKS_ALL}): the producer gets a producer id from the cluster and numbers its batches
     * per partition, and a partition that already holds a retried batch answers with its offset
     * instead of writing it again. Needs an acks mode that reports the commit.
     */
    public Builder idempotence(boolean idempotence) {
      this.idempotence = idempotence;
      return this;
    }

    /**
     * A stable name for this producer (like Kafka's transactional.id): a new instance with the
     * same name gets the same producer id with a higher epoch, and the partitions it writes to
     * refuse the older instance from then on ({@code PRODUCER_FENCED}). Default: none.
     */
    public Builder producerName(String producerName) {
      this.producerName = producerName;
      return this;
    }

    /**
     * How many batches of one partition may be sent before the first is answered (default and
     * most 5, like Kafka's max.in.flight.requests.per.connection with idempotence). 1 sends one
     * at a time: slower, and keeps order across retries even without idempotence.
     */
    public Builder maxInFlightPerPartition(int maxInFlightPerPartition) {
      this.maxInFlightPerPartition = maxInFlightPerPartition;
      return this;
    }

    ProducerSettings settings() {
      ConfigBounds.check("lingerMs", lingerMs, 0, 60_000);
      // The node refuses requests above its max message size; 16 MiB stays well under gRPC limits.
      ConfigBounds.check("batchSizeBytes", batchSizeBytes, 1, BATCH_SIZE_BYTES_MAX);
      ConfigBounds.check("bufferMemoryBytes", bufferMemoryBytes, batchSizeBytes, 1L << 40);
      ConfigBounds.check("maxBlockMs", maxBlockMs, 0, 3_600_000);
      ConfigBounds.check(
          "maxInFlightPerPartition", maxInFlightPerPartition, 1, MAX_IN_FLIGHT_PER_PARTITION_MAX);
      if (acks == null || acks == Acks.UNRECOGNIZED) {
        throw new IllegalArgumentException("acks must be ACKS_QUORUM, ACKS_ALL, ACKS_LEADER or ACKS_NONE");
      }
      if (compression == null || compression == Codec.UNRECOGNIZED) {
        throw new IllegalArgumentException("compression must be CODEC_NONE, CODEC_LZ4 or CODEC_ZSTD");
      }
      if (producerName == null || producerName.length() > PRODUCER_NAME_LENGTH_MAX) {
        throw new IllegalArgumentException(
            "producerName must be at most " + PRODUCER_NAME_LENGTH_MAX + " characters");
      }
      boolean commitAcked = acks == Acks.ACKS_QUORUM || acks == Acks.ACKS_ALL;
      if (Boolean.TRUE.equals(idempotence) && !commitAcked) {
        throw new IllegalArgumentException(
            "idempotence needs acks ACKS_QUORUM or ACKS_ALL (with " + acks
                + " the producer never learns whether a batch was written)");
      }
      boolean idempotent = idempotence == null ? commitAcked : idempotence;
      if (!producerName.isEmpty() && !idempotent) {
        throw new IllegalArgumentException("producerName needs idempotence");
      }
      return new ProducerSettings(
          connection(),
          lingerMs,
          batchSizeBytes,
          bufferMemoryBytes,
          maxBlockMs,
          acks,
          compression,
          idempotent,
          producerName,
          maxInFlightPerPartition);
    }

    public Producer build() {
      return new Producer(settings(), channelFactory());
    }
  }
}
