package dev.runnel.sdk;

import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.JoinGroup;
import dev.runnel.proto.v1.OffsetSpec;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group: the group's coordinator decides which partitions of the
 * subscribed topics it reads, and moves them between members cooperatively (only moving
 * partitions pause). Positions start at the group's committed offset, else at {@code
 * autoOffsetReset}. With auto-commit (the default) positions are committed every {@code
 * autoCommitIntervalMs}, before a partition is given up, and on close: at-least-once.
 *
 * <p>{@link #pause} stops fetching chosen partitions while they stay assigned (their position is
 * kept); {@link #seek} moves a position; {@link #commitAsync} commits without waiting, at most
 * {@code commitsInFlightMax} at a time, landing in the order they were made.
 *
 * <p>Not thread-safe: one thread calls it, and the {@link RebalanceListener} and {@link
 * OffsetCommitCallback}s run on that thread inside {@link #poll}. A background thread sends
 * heartbeats, so a long pause between polls does not end the membership; a revocation, though,
 * waits for the next poll (and must be acknowledged within the rebalance timeout).
 *
 * <p>Over the ~600-line mark on purpose for now: the group-membership part is being reworked
 * (coordination moving to {@code __consumer_offsets}); split it after that lands rather than
 * moving code under that change.
 */
public final class GroupConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupConsumer.class);
  /** How often poll looks at membership events while it waits for records. */
  private static final long EVENT_CHECK_MS = 20;
  /** How long close waits for the coordinator to confirm the member left. */
  private static final long LEAVE_WAIT_MS = 2_000;

  private final Settings settings;
  private final ChannelPool channels;
  private final ClusterMetadata metadata;
  private final RetryBackoff backoff;
  private final OffsetLookup bootstrapOffsets;
  private final SubscriptionState subscriptions = new SubscriptionState();
  private final Fetcher fetcher;
  private final LongSupplier clockMs = System::currentTimeMillis;
  private final Map<TopicPartition, Long> lastCommitted = new HashMap<>();
  /**
   * Paused partitions, out of {@link #subscriptions} so the fetcher leaves them alone, with the
   * position each had (null: not looked up yet). Assigned = subscriptions' assignment + these.
   */
  private final Map<TopicPartition, Long> paused = new LinkedHashMap<>();
  private final AsyncCommits asyncCommits;
  private GroupMembership membership;
  private RebalanceListener listener = RebalanceListener.NONE;
  private OffsetLookup coordinatorOffsets;
  private int streamId;
  private String memberId;
  private long generation;
  private int rejoinAttempts;
  private long rejoinAtMs;
  /** Where the next join goes (the coordinator a node named, or a node to ask); null: bootstrap. */
  private String nextAddress;
  /** An event awaitEvent took off the queue, handled first by the next handleEvents. */
  private GroupMembership.Event pendingEvent;
  /** Set when the membership ended for good (e.g. replaced by a newer static instance). */
  private RunnelException fatal;
  private long nextAutoCommitMs;
  private boolean closed;

  private GroupConsumer(Settings settings, Function<String, ManagedChannel> channelFactory) {
    ConnectionSettings connection = settings.connection();
    this.settings = settings;
    this.channels = new ChannelPool(channelFactory);
    this.metadata = new ClusterMetadata(channels, connection.bootstrap(), connection.requestTimeoutMs());
    this.backoff = connection.backoff();
    this.bootstrapOffsets = new OffsetLookup(channels, connection.bootstrap(), connection.requestTimeoutMs(), backoff);
    this.coordinatorOffsets = bootstrapOffsets;
    this.fetcher =
        new Fetcher(subscriptions, metadata, channels, backoff, settings.fetchMaxBytes(), connection.requestTimeoutMs());
    this.asyncCommits =
        new AsyncCommits(
            settings.commitsInFlightMax(),
            settings.groupId(),
            (offsets, error) -> {
              if (error == null) {
                lastCommitted.putAll(offsets);
              }
            });
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Joins the group, subscribed to {@code topics} (a topic that does not exist yet is assigned
   * once it is created). Partitions arrive in later polls.
   */
  public void subscribe(Collection<String> topics, RebalanceListener listener) {
    ensureOpen();
    if (membership != null) {
      throw new IllegalStateException("already subscribed; close and build a new consumer to change topics");
    }
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("subscribe to at least one topic");
    }
    this.listener = listener == null ? RebalanceListener.NONE : listener;
    JoinGroup join =
        JoinGroup.newBuilder()
            .setGroup(settings.groupId())
            .addAllTopics(new LinkedHashSet<>(topics))
            .setStaticMemberId(settings.staticMemberId())
            .setSessionTimeoutMs(settings.sessionTimeoutMs())
            .setRebalanceTimeoutMs(settings.rebalanceTimeoutMs())
            .setClientId(settings.clientId())
            .build();
    membership = new GroupMembership(channels, join);
    streamId = membership.open(settings.connection().bootstrap());
    nextAutoCommitMs = clockMs.getAsLong() + settings.autoCommitIntervalMs();
  }

  public void subscribe(Collection<String> topics) {
    subscribe(topics, RebalanceListener.NONE);
  }

  /** The partitions this member holds now (paused ones included). */
  public Set<TopicPartition> assignment() {
    if (paused.isEmpty()) {
      return subscriptions.assignment();
    }
    Set<TopicPartition> all = new LinkedHashSet<>(subscriptions.assignment());
    all.addAll(paused.keySet());
    return Set.copyOf(all);
  }

  /** The member id the coordinator gave this consumer, or null while it is not in the group. */
  public String memberId() {
    return memberId;
  }

  /** The generation of the assignment this consumer works on (0 before the first). */
  public long generation() {
    return generation;
  }

  /** The next offset poll() returns for {@code tp}, or null if it is not known yet. */
  public Long position(TopicPartition tp) {
    return paused.containsKey(tp) ? paused.get(tp) : subscriptions.position(tp);
  }

  /**
   * Stops fetching {@code partitions}: poll returns none of their records until {@link #resume},
   * while the others go on. They stay assigned and keep their position (records fetched but not
   * returned yet are dropped and fetched again later). A paused partition that is revoked is no
   * longer paused. Throws IllegalStateException for a partition not assigned to this consumer.
   */
  public void pause(Collection<TopicPartition> partitions) {
    ensureOpen();
    requireAssigned(partitions);
    for (TopicPartition tp : partitions) {
      if (!paused.containsKey(tp)) {
        paused.put(tp, subscriptions.position(tp));
        fetcher.discard(tp);
      }
    }
    List<TopicPartition> fetchable = new ArrayList<>(subscriptions.assignedInOrder());
    fetchable.removeAll(paused.keySet());
    subscriptions.assign(fetchable);
  }

  /** Fetches {@code partitions} again, from the position they had; not paused ones are ignored. */
  public void resume(Collection<TopicPartition> partitions) {
    ensureOpen();
    requireAssigned(partitions);
    for (TopicPartition tp : partitions) {
      if (paused.containsKey(tp)) {
        Long position = paused.remove(tp);
        subscriptions.add(List.of(tp));
        if (position != null) {
          subscriptions.seek(tp, position);
        }
      }
    }
  }

  /** The partitions paused now. */
  public Set<TopicPartition> paused() {
    return Set.copyOf(paused.keySet());
  }

  /**
   * The next poll returns records of {@code tp} from {@code offset} (an offset outside the stored
   * range is reset by {@code autoOffsetReset} when fetched). Not committed until a commit. Throws
   * IllegalStateException when {@code tp} is not assigned to this consumer.
   */
  public void seek(TopicPartition tp, long offset) {
    ensureOpen();
    requireAssigned(List.of(tp));
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    setPosition(tp, offset);
  }

  /** Seeks {@code partitions} to the first offset still stored. */
  public void seekToBeginning(Collection<TopicPartition> partitions) {
    ensureOpen();
    requireAssigned(partitions);
    seekTo(partitions, OffsetSpec.OFFSET_SPEC_EARLIEST);
  }

  /** Seeks {@code partitions} to their end: only records written from now on are read. */
  public void seekToEnd(Collection<TopicPartition> partitions) {
    ensureOpen();
    requireAssigned(partitions);
    seekTo(partitions, OffsetSpec.OFFSET_SPEC_LATEST);
  }

  private void requireAssigned(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      if (!subscriptions.isAssigned(tp) && !paused.containsKey(tp)) {
        throw new IllegalStateException(tp + " is not assigned to this consumer");
      }
    }
  }

  private void setPosition(TopicPartition tp, long offset) {
    if (paused.containsKey(tp)) {
      paused.put(tp, offset);
    } else {
      subscriptions.seek(tp, offset);
      fetcher.discard(tp);
    }
  }

  /**
   * Applies what the coordinator sent (calling the listener), then returns the next records of
   * the partitions held, waiting up to {@code timeout}; an empty list if none arrive.
   */
  public List<ConsumerRecord> poll(Duration timeout) {
    ensureOpen();
    if (membership == null) {
      throw new IllegalStateException("call subscribe() first");
    }
    if (fatal != null) {
      throw fatal;
    }
    long deadlineMs = clockMs.getAsLong() + Math.max(0, timeout.toMillis());
    while (true) {
      long nowMs = clockMs.getAsLong();
      asyncCommits.deliverCompleted();
      handleEvents(nowMs);
      maybeAutoCommit(nowMs);
      List<ConsumerRecord> records = List.of();
      if (!subscriptions.assignment().isEmpty()) {
        initPositions(subscriptions.withoutPosition());
        List<TopicPartition> outOfRange = fetcher.processAnswers(nowMs);
        if (!outOfRange.isEmpty()) {
          seekTo(outOfRange, resetSpec());
        }
        records = fetcher.takeRecords(settings.maxPollRecords());
      }
      long remainingMs = deadlineMs - nowMs;
      if (!records.isEmpty() || remainingMs <= 0) {
        return records;
      }
      long sliceMs = Math.min(remainingMs, EVENT_CHECK_MS);
      if (subscriptions.assignment().isEmpty()) {
        awaitEvent(sliceMs);
      } else {
        fetcher.sendFetches((int) Math.min(settings.fetchMaxWaitMs(), remainingMs), nowMs);
        fetcher.awaitAnswer(sliceMs, nowMs);
      }
    }
  }

  /** Commits the position of every partition held (no-op for those unchanged since). */
  public void commitSync() {
    ensureOpen();
    Map<TopicPartition, Long> positions = positions(assignment());
    if (!positions.isEmpty()) {
      commitSync(positions);
    }
  }

  /**
   * Commits {@code offsets} (the next offset to read per partition) as this member. Throws
   * RunnelException FENCED_MEMBER / UNKNOWN_MEMBER when the member no longer owns a partition.
   * Asynchronous commits made before are answered (callbacks run) first, so they cannot land
   * after this one.
   */
  public void commitSync(Map<TopicPartition, Long> offsets) {
    ensureOpen();
    asyncCommits.awaitAll(settings.connection().requestTimeoutMs() * Math.max(1, asyncCommits.inFlight()));
    if (memberId == null) {
      throw RunnelException.local(
          ErrorReason.UNKNOWN_MEMBER,
          io.grpc.Status.Code.FAILED_PRECONDITION,
          "UNKNOWN_MEMBER: this consumer is not in group '" + settings.groupId() + "' right now (rejoining)");
    }
    coordinatorOffsets.commit(settings.groupId(), memberId, generation, offsets);
    lastCommitted.putAll(offsets);
  }

  /** Commits the positions of every partition held, without waiting; failures are logged. */
  public void commitAsync() {
    ensureOpen();
    Map<TopicPartition, Long> positions = positions(assignment());
    if (!positions.isEmpty()) {
      commitAsync(positions, null);
    }
  }

  /**
   * Commits {@code offsets} without waiting. {@code callback} (may be null: failures are then
   * logged) runs on this consumer's thread inside a later poll, commitSync or close, in commit
   * order. Commits go out one after another, so a later one is never overwritten by an earlier one.
   * With {@code commitsInFlightMax} commits unanswered, this call waits for the oldest.
   */
  public void commitAsync(Map<TopicPartition, Long> offsets, OffsetCommitCallback callback) {
    ensureOpen();
    if (memberId == null) {
      asyncCommits.submitFailed(
          offsets,
          callback,
          RunnelException.local(
              ErrorReason.UNKNOWN_MEMBER,
              io.grpc.Status.Code.FAILED_PRECONDITION,
              "UNKNOWN_MEMBER: this consumer is not in group '" + settings.groupId() + "' right now (rejoining)"));
      return;
    }
    // Bind the member and generation now: a commit made before a rebalance must be fenced after it.
    OffsetLookup target = coordinatorOffsets;
    String member = memberId;
    long memberGeneration = generation;
    asyncCommits.submit(
        offsets, callback, committed -> target.commit(settings.groupId(), member, memberGeneration, committed));
  }

  /**
   * Commits (with auto-commit on) and leaves the group, so its partitions move at once. A static
   * member does not leave: its partitions wait for it for the session timeout.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      asyncCommits.awaitAll(LEAVE_WAIT_MS);
      if (membership != null && memberId != null) {
        Set<TopicPartition> held = assignment();
        if (settings.autoCommit()) {
          commitQuietly(positions(held));
        }
        if (!held.isEmpty()) {
          listener.onPartitionsRevoked(held);
        }
        if (settings.staticMemberId().isEmpty()) {
          membership.leave();
          awaitLeft();
        }
      }
    } finally {
      closed = true;
      asyncCommits.close();
      if (membership != null) {
        membership.close();
      }
      channels.close();
    }
  }

  private void awaitLeft() {
    long deadlineMs = clockMs.getAsLong() + LEAVE_WAIT_MS;
    while (clockMs.getAsLong() < deadlineMs) {
      GroupMembership.Event event = takeEvent(deadlineMs - clockMs.getAsLong());
      if (event instanceof GroupMembership.Ended && event.streamId() == streamId) {
        return;
      }
    }
  }

  private void handleEvents(long nowMs) {
    GroupMembership.Event event;
    while ((event = nextEvent()) != null) {
      if (event.streamId() != streamId) {
        continue;
      }
      if (event instanceof GroupMembership.Joined joined) {
        memberId = joined.memberId();
        rejoinAttempts = 0;
        LOG.info("joined group {} as {}", settings.groupId(), memberId);
      } else if (event instanceof GroupMembership.Assigned assigned) {
        apply(assigned);
      } else if (event instanceof GroupMembership.Ended ended) {
        streamEnded(ended.error(), nowMs);
      }
    }
    if (memberId == null && streamId == 0 && clockMs.getAsLong() >= rejoinAtMs) {
      rejoin();
    }
  }

  /** Cooperative step: give up what is no longer ours (commit first), take what is new, ack. */
  private void apply(GroupMembership.Assigned assigned) {
    Set<TopicPartition> held = assignment();
    List<TopicPartition> revoked = new ArrayList<>();
    for (TopicPartition tp : held) {
      if (!assigned.partitions().contains(tp)) {
        revoked.add(tp);
      }
    }
    List<TopicPartition> added = new ArrayList<>();
    for (TopicPartition tp : assigned.partitions()) {
      if (!held.contains(tp)) {
        added.add(tp);
      }
    }
    if (!revoked.isEmpty()) {
      if (settings.autoCommit()) {
        commitQuietly(positions(revoked));
      }
      listener.onPartitionsRevoked(revoked);
    }
    generation = assigned.generation();
    // A revoked partition is no longer paused; a kept one stays paused, out of the fetched set.
    paused.keySet().retainAll(assigned.partitions());
    List<TopicPartition> fetchable = new ArrayList<>(assigned.partitions());
    fetchable.removeAll(paused.keySet());
    for (TopicPartition tp : subscriptions.assign(fetchable)) {
      fetcher.discard(tp);
    }
    revoked.forEach(lastCommitted::remove);
    if (!added.isEmpty()) {
      listener.onPartitionsAssigned(added);
    }
    membership.ack(assigned.generation());
  }

  /** The stream is gone: the partitions are lost; rejoin unless that cannot help. */
  private void streamEnded(RunnelException error, long nowMs) {
    Set<TopicPartition> lost = assignment();
    for (TopicPartition tp : subscriptions.assign(List.of())) {
      fetcher.discard(tp);
    }
    paused.clear();
    lastCommitted.clear();
    memberId = null;
    streamId = 0;
    if (!lost.isEmpty()) {
      listener.onPartitionsLost(lost);
    }
    if (error == null) {
      error = RunnelException.local(
          ErrorReason.UNKNOWN_MEMBER, io.grpc.Status.Code.FAILED_PRECONDITION, "the coordinator ended the stream");
    }
    boolean stop =
        error.reason() == ErrorReason.FENCED_MEMBER
            || error.reason() == ErrorReason.INVALID_REQUEST
            || error.reason() == ErrorReason.GROUP_LIMIT_REACHED;
    if (stop) {
      membership.close();
      this.fatal = error;
      throw error;
    }
    String coordinator = error.metadata().getOrDefault(Errors.COORDINATOR_ADDRESS, "");
    if (error.reason() == ErrorReason.NOT_COORDINATOR && !coordinator.isEmpty()) {
      LOG.info("group {}: the coordinator is {}", settings.groupId(), coordinator);
      nextAddress = coordinator;
      rejoinAtMs = nowMs;
    } else {
      rejoinAttempts++;
      nextAddress =
          new CoordinatorLookup(metadata, settings.groupId())
              .find(rejoinAttempts % 2 == 1 ? membership.address() : settings.connection().bootstrap());
      rejoinAtMs = nowMs + backoff.backoffMs(rejoinAttempts);
      LOG.warn("group {}: membership ended ({}); rejoining", settings.groupId(), error.getMessage());
    }
  }

  private void rejoin() {
    String address = nextAddress == null ? settings.connection().bootstrap() : nextAddress;
    coordinatorOffsets =
        new OffsetLookup(channels, address, settings.connection().requestTimeoutMs(), backoff);
    streamId = membership.open(address);
  }

  private GroupMembership.Event nextEvent() {
    GroupMembership.Event event = pendingEvent;
    pendingEvent = null;
    return event != null ? event : membership.events().poll();
  }

  private void awaitEvent(long timeoutMs) {
    if (pendingEvent == null) {
      pendingEvent = takeEvent(timeoutMs);
    }
  }

  private GroupMembership.Event takeEvent(long timeoutMs) {
    try {
      return membership.events().poll(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void maybeAutoCommit(long nowMs) {
    if (settings.autoCommit() && memberId != null && nowMs >= nextAutoCommitMs) {
      nextAutoCommitMs = nowMs + settings.autoCommitIntervalMs();
      commitQuietly(positions(assignment()));
    }
  }

  /** Positions that changed since they were last committed. */
  private Map<TopicPartition, Long> positions(Collection<TopicPartition> tps) {
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    for (TopicPartition tp : tps) {
      Long position = position(tp);
      if (position != null && !position.equals(lastCommitted.get(tp))) {
        out.put(tp, position);
      }
    }
    return out;
  }

  /** Auto-commit: a failure is logged, not thrown; the records are then read again (at-least-once). */
  private void commitQuietly(Map<TopicPartition, Long> offsets) {
    if (offsets.isEmpty() || memberId == null) {
      return;
    }
    try {
      commitSync(offsets);
    } catch (RunnelException e) {
      LOG.warn("group {}: auto-commit of {} failed: {}", settings.groupId(), offsets.keySet(), e.getMessage());
    }
  }

  private void initPositions(List<TopicPartition> tps) {
    if (tps.isEmpty()) {
      return;
    }
    List<TopicPartition> needReset = new ArrayList<>(tps);
    coordinatorOffsets.committed(settings.groupId(), tps)
        .forEach(
            (tp, offset) -> {
              subscriptions.seek(tp, offset);
              lastCommitted.put(tp, offset);
            });
    needReset.removeIf(tp -> subscriptions.position(tp) != null);
    seekTo(needReset, resetSpec());
  }

  private void seekTo(Collection<TopicPartition> tps, OffsetSpec spec) {
    Map<String, List<Integer>> partitionsByTopic = new HashMap<>();
    for (TopicPartition tp : tps) {
      partitionsByTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
    }
    partitionsByTopic.forEach(
        (topic, partitions) ->
            bootstrapOffsets.listOffsets(topic, partitions, spec)
                .forEach((partition, offset) -> setPosition(new TopicPartition(topic, partition), offset)));
  }

  private OffsetSpec resetSpec() {
    return settings.autoOffsetReset() == Consumer.OffsetReset.EARLIEST
        ? OffsetSpec.OFFSET_SPEC_EARLIEST
        : OffsetSpec.OFFSET_SPEC_LATEST;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("consumer is closed");
    }
  }

  /** Validated settings. */
  record Settings(
      ConnectionSettings connection,
      String groupId,
      String staticMemberId,
      String clientId,
      int sessionTimeoutMs,
      int rebalanceTimeoutMs,
      boolean autoCommit,
      int autoCommitIntervalMs,
      Consumer.OffsetReset autoOffsetReset,
      int maxPollRecords,
      int fetchMaxBytes,
      int fetchMaxWaitMs,
      int commitsInFlightMax) {}

  /** Builds a {@link GroupConsumer}; every setting is checked against its bound in {@link #build}. */
  public static final class Builder extends ClientBuilder<Builder> {
    private String groupId;
    private String staticMemberId = "";
    private String clientId = "runnel-java";
    private int sessionTimeoutMs = 10_000;
    private int rebalanceTimeoutMs = 60_000;
    private boolean autoCommit = true;
    private int autoCommitIntervalMs = 5_000;
    private Consumer.OffsetReset autoOffsetReset = Consumer.OffsetReset.LATEST;
    private int maxPollRecords = 500;
    private int fetchMaxBytes = 1024 * 1024;
    private int fetchMaxWaitMs = 500;
    private int commitsInFlightMax = 16;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** A stable identity (e.g. the host name): a restart within the session timeout keeps the partitions. */
    public Builder staticMemberId(String staticMemberId) {
      this.staticMemberId = staticMemberId;
      return this;
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** How long the coordinator waits without heartbeats before removing this member. */
    public Builder sessionTimeoutMs(int sessionTimeoutMs) {
      this.sessionTimeoutMs = sessionTimeoutMs;
      return this;
    }

    /** How long this member may take to give up revoked partitions (the time between polls). */
    public Builder rebalanceTimeoutMs(int rebalanceTimeoutMs) {
      this.rebalanceTimeoutMs = rebalanceTimeoutMs;
      return this;
    }

    public Builder autoCommit(boolean autoCommit) {
      this.autoCommit = autoCommit;
      return this;
    }

    public Builder autoCommitIntervalMs(int autoCommitIntervalMs) {
      this.autoCommitIntervalMs = autoCommitIntervalMs;
      return this;
    }

    public Builder autoOffsetReset(Consumer.OffsetReset autoOffsetReset) {
      this.autoOffsetReset = autoOffsetReset;
      return this;
    }

    public Builder maxPollRecords(int maxPollRecords) {
      this.maxPollRecords = maxPollRecords;
      return this;
    }

    public Builder fetchMaxBytes(int fetchMaxBytes) {
      this.fetchMaxBytes = fetchMaxBytes;
      return this;
    }

    public Builder fetchMaxWaitMs(int fetchMaxWaitMs) {
      this.fetchMaxWaitMs = fetchMaxWaitMs;
      return this;
    }

    /** How many commitAsync calls may be unanswered before the next one waits for the oldest. */
    public Builder commitsInFlightMax(int commitsInFlightMax) {
      this.commitsInFlightMax = commitsInFlightMax;
      return this;
    }

    public GroupConsumer build() {
      if (groupId == null || groupId.isBlank() || groupId.length() > 249) {
        throw new IllegalArgumentException("groupId must be 1..249 characters");
      }
      if (staticMemberId == null || clientId == null || autoOffsetReset == null) {
        throw new IllegalArgumentException("staticMemberId, clientId and autoOffsetReset must not be null");
      }
      ConfigBounds.check("sessionTimeoutMs", sessionTimeoutMs, 100, 3_600_000);
      ConfigBounds.check("rebalanceTimeoutMs", rebalanceTimeoutMs, 1_000, 600_000);
      ConfigBounds.check("autoCommitIntervalMs", autoCommitIntervalMs, 1, 3_600_000);
      ConfigBounds.check("maxPollRecords", maxPollRecords, 1, 1_000_000);
      ConfigBounds.check("fetchMaxBytes", fetchMaxBytes, 1, ChannelPool.MAX_INBOUND_MESSAGE_BYTES / 2);
      ConfigBounds.check("fetchMaxWaitMs", fetchMaxWaitMs, 0, 60_000);
      ConfigBounds.check("commitsInFlightMax", commitsInFlightMax, 1, 1_000);
      return new GroupConsumer(
          new Settings(
              connection(),
              groupId,
              staticMemberId,
              clientId,
              sessionTimeoutMs,
              rebalanceTimeoutMs,
              autoCommit,
              autoCommitIntervalMs,
              autoOffsetReset,
              maxPollRecords,
              fetchMaxBytes,
              fetchMaxWaitMs,
              commitsInFlightMax),
          channelFactory());
    }
  }
}
