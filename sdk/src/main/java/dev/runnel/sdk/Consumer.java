package dev.runnel.sdk;

import dev.runnel.proto.v1.OffsetSpec;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads records from assigned partitions by pulling (Fetch). Not thread-safe: one thread uses a
 * consumer, as with Kafka's. Positions start at the group's committed offset when a {@code
 * groupId} is set and has one, else at {@code autoOffsetReset}.
 */
public final class Consumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);

  /** Where to start when there is no committed offset, or the position fell out of the log. */
  public enum OffsetReset { EARLIEST, LATEST }

  private final ConsumerSettings settings;
  private final ChannelPool channels;
  private final ClusterMetadata metadata;
  private final OffsetLookup offsets;
  private final SubscriptionState subscriptions = new SubscriptionState();
  private final Fetcher fetcher;
  private final LongSupplier clockMs = System::currentTimeMillis;
  private boolean closed;

  private Consumer(ConsumerSettings settings, Function<String, ManagedChannel> channelFactory) {
    ConnectionSettings connection = settings.connection();
    this.settings = settings;
    this.channels = new ChannelPool(channelFactory);
    this.metadata = new ClusterMetadata(channels, connection.bootstrap(), connection.requestTimeoutMs());
    RetryBackoff backoff = connection.backoff();
    this.offsets = new OffsetLookup(channels, connection.bootstrap(), connection.requestTimeoutMs(), backoff);
    this.fetcher =
        new Fetcher(
            subscriptions, metadata, channels, backoff, settings.fetchMaxBytes(), connection.requestTimeoutMs());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Adds every partition of {@code topic} to the assignment. */
  public void subscribe(String topic) {
    ensureOpen();
    int partitionCount = metadata.partitionCount(topic);
    List<TopicPartition> partitions = new ArrayList<>(partitionCount);
    for (int p = 0; p < partitionCount; p++) {
      partitions.add(new TopicPartition(topic, p));
    }
    subscriptions.add(partitions);
  }

  /** Replaces the assignment with exactly {@code partitions}. */
  public void assign(Collection<TopicPartition> partitions) {
    ensureOpen();
    for (TopicPartition dropped : subscriptions.assign(partitions)) {
      fetcher.discard(dropped);
    }
  }

  public Set<TopicPartition> assignment() {
    return subscriptions.assignment();
  }

  public void seek(TopicPartition tp, long offset) {
    ensureOpen();
    subscriptions.seek(tp, offset);
    fetcher.discard(tp);
  }

  public void seekToBeginning(Collection<TopicPartition> tps) {
    seekTo(tps, OffsetSpec.OFFSET_SPEC_EARLIEST);
  }

  public void seekToEnd(Collection<TopicPartition> tps) {
    seekTo(tps, OffsetSpec.OFFSET_SPEC_LATEST);
  }

  /** The offset of the next record poll() will return for {@code tp}; looks it up if needed. */
  public long position(TopicPartition tp) {
    ensureOpen();
    subscriptions.requireAssigned(tp);
    if (subscriptions.position(tp) == null) {
      initPositions(List.of(tp));
    }
    return subscriptions.position(tp);
  }

  /**
   * Returns the next records, at most {@code maxPollRecords}, in offset order per partition;
   * waits up to {@code timeout} for some to arrive and returns an empty list if none do.
   */
  public List<ConsumerRecord> poll(Duration timeout) {
    ensureOpen();
    if (subscriptions.assignment().isEmpty()) {
      throw new IllegalStateException("no partitions assigned: call subscribe() or assign() first");
    }
    long deadlineMs = clockMs.getAsLong() + Math.max(0, timeout.toMillis());
    initPositions(subscriptions.withoutPosition());
    while (true) {
      long nowMs = clockMs.getAsLong();
      List<TopicPartition> outOfRange = fetcher.processAnswers(nowMs);
      if (!outOfRange.isEmpty()) {
        resetPositions(outOfRange);
      }
      List<ConsumerRecord> records = fetcher.takeRecords(settings.maxPollRecords());
      long remainingMs = deadlineMs - nowMs;
      if (!records.isEmpty() || remainingMs <= 0) {
        return records;
      }
      fetcher.sendFetches((int) Math.min(settings.fetchMaxWaitMs(), remainingMs), nowMs);
      fetcher.awaitAnswer(remainingMs, nowMs);
    }
  }

  /** Commits the current position of every assigned partition that has one. */
  public void commitSync() {
    Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    for (TopicPartition tp : subscriptions.assignedInOrder()) {
      Long position = subscriptions.position(tp);
      if (position != null) {
        positions.put(tp, position);
      }
    }
    commitSync(positions);
  }

  /** Commits {@code offsets} (the next offset to read, per partition) for the group. */
  public void commitSync(Map<TopicPartition, Long> offsets) {
    ensureOpen();
    this.offsets.commit(requireGroup(), offsets);
  }

  /** The group's committed offsets; partitions without a commit are left out. */
  public Map<TopicPartition, Long> committed(Collection<TopicPartition> tps) {
    ensureOpen();
    return offsets.committed(requireGroup(), tps);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      channels.close();
    }
  }

  private void initPositions(List<TopicPartition> tps) {
    if (tps.isEmpty()) {
      return;
    }
    List<TopicPartition> needReset = new ArrayList<>(tps);
    if (settings.groupId() != null) {
      offsets.committed(settings.groupId(), tps).forEach(subscriptions::seek);
      needReset.removeIf(tp -> subscriptions.position(tp) != null);
    }
    seekTo(needReset, resetSpec());
  }

  private void resetPositions(List<TopicPartition> tps) {
    for (TopicPartition tp : tps) {
      LOG.warn("offset {} of {} is out of range; resetting to {}",
          subscriptions.position(tp), tp, settings.autoOffsetReset());
    }
    seekTo(tps, resetSpec());
  }

  private void seekTo(Collection<TopicPartition> tps, OffsetSpec spec) {
    ensureOpen();
    Map<String, List<Integer>> partitionsByTopic = new HashMap<>();
    for (TopicPartition tp : tps) {
      subscriptions.requireAssigned(tp);
      partitionsByTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
    }
    partitionsByTopic.forEach(
        (topic, partitions) ->
            offsets.listOffsets(topic, partitions, spec)
                .forEach((partition, offset) -> seek(new TopicPartition(topic, partition), offset)));
  }

  private OffsetSpec resetSpec() {
    return settings.autoOffsetReset() == OffsetReset.EARLIEST
        ? OffsetSpec.OFFSET_SPEC_EARLIEST
        : OffsetSpec.OFFSET_SPEC_LATEST;
  }

  private String requireGroup() {
    if (settings.groupId() == null) {
      throw new IllegalStateException("committing and fetching offsets need a groupId");
    }
    return settings.groupId();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("consumer is closed");
    }
  }

  /** Validated consumer settings. */
  record ConsumerSettings(
      ConnectionSettings connection,
      String groupId,
      OffsetReset autoOffsetReset,
      int maxPollRecords,
      int fetchMaxBytes,
      int fetchMaxWaitMs) {}

  /** Builds a {@link Consumer}; every setting is checked against its bound in {@link #build}. */
  public static final class Builder extends ClientBuilder<Builder> {
    private String groupId;
    private OffsetReset autoOffsetReset = OffsetReset.LATEST;
    private int maxPollRecords = 500;
    private int fetchMaxBytes = 1024 * 1024;
    private int fetchMaxWaitMs = 500;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    public Builder autoOffsetReset(OffsetReset autoOffsetReset) {
      this.autoOffsetReset = autoOffsetReset;
      return this;
    }

    public Builder maxPollRecords(int maxPollRecords) {
      this.maxPollRecords = maxPollRecords;
      return this;
    }

    /** Upper bound on the bytes one Fetch returns for one partition. */
    public Builder fetchMaxBytes(int fetchMaxBytes) {
      this.fetchMaxBytes = fetchMaxBytes;
      return this;
    }

    public Builder fetchMaxWaitMs(int fetchMaxWaitMs) {
      this.fetchMaxWaitMs = fetchMaxWaitMs;
      return this;
    }

    public Consumer build() {
      if (groupId != null && groupId.isBlank()) {
        throw new IllegalArgumentException("groupId must be non-blank when set");
      }
      if (autoOffsetReset == null) {
        throw new IllegalArgumentException("autoOffsetReset must be set");
      }
      ConfigBounds.check("maxPollRecords", maxPollRecords, 1, 1_000_000);
      // A fetch answer must fit the channel's inbound message limit.
      ConfigBounds.check("fetchMaxBytes", fetchMaxBytes, 1, ChannelPool.MAX_INBOUND_MESSAGE_BYTES / 2);
      ConfigBounds.check("fetchMaxWaitMs", fetchMaxWaitMs, 0, 60_000);
      return new Consumer(
          new ConsumerSettings(
              connection(),
              groupId,
              autoOffsetReset,
              maxPollRecords,
              fetchMaxBytes,
              fetchMaxWaitMs),
          channelFactory());
    }
  }
}
