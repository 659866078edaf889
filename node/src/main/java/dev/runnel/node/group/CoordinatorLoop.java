package dev.runnel.node.group;

import dev.runnel.node.RunnelError;
import dev.runnel.proto.internal.TopicRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns the {@link GroupCoordinator} (single-writer principle): gRPC
 * handlers hand it work and get futures back; every {@value #TICK_MS} ms it expires members,
 * notices topic changes, and drops each group this node stopped coordinating (its offsets
 * partition's leadership moved).
 */
public final class CoordinatorLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLoop.class);
  static final long TICK_MS = 100;
  private static final long CLOSE_WAIT_MS = 2_000;

  private final GroupCoordinator coordinator;
  private final Function<String, RunnelError> notCoordinator;
  private final Supplier<SortedMap<String, TopicRecord>> topics;
  private final ScheduledExecutorService thread;
  private SortedMap<String, TopicRecord> topicsSeen;
  private volatile int groupCount;
  private volatile int memberCount;
  private volatile long rebalances;
  private volatile SortedMap<String, Integer> membersByGroup = new TreeMap<>();
  private final LongConsumer rebalancesAdded;

  /**
   * @param notCoordinator for a group id: null while this node coordinates that group, else the
   *     NOT_COORDINATOR error naming the node that does
   * @param topics the current topics (an immutable map, replaced on every change)
   * @param rebalancesAdded told how many rebalances started since the last tick (a counter)
   */
  public CoordinatorLoop(
      GroupCoordinator coordinator,
      Function<String, RunnelError> notCoordinator,
      Supplier<SortedMap<String, TopicRecord>> topics,
      LongConsumer rebalancesAdded) {
    this.rebalancesAdded = rebalancesAdded;
    this.coordinator = coordinator;
    this.notCoordinator = notCoordinator;
    this.topics = topics;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "runnel-groups");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::tickSafely, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code work} on the coordinator's thread once this node is known to coordinate {@code
   * group}; fails with NOT_COORDINATOR otherwise, or with what {@code work} throws. A null group
   * runs {@code work} unchecked (for what concerns every group held here, e.g. listing them).
   */
  public <T> CompletableFuture<T> call(String group, Function<GroupCoordinator, T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      thread.execute(
          () -> {
            try {
              RunnelError elsewhere = group == null ? null : notCoordinator.apply(group);
              if (elsewhere != null) {
                throw elsewhere;
              }
              refreshTopics();
              result.complete(work.apply(coordinator));
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.completeExceptionally(RunnelError.unavailable("the node is shutting down"));
    }
    return result;
  }

  /**
   * Runs {@code work} on the coordinator's thread once this node is known to coordinate {@code
   * group} (a null group: unchecked). If this node does not coordinate it, or {@code work}
   * throws, {@code onFailure} runs instead, also on the coordinator's thread (on the caller's only
   * when the node is shutting down).
   */
  public void execute(
      String group,
      java.util.function.Consumer<GroupCoordinator> work,
      java.util.function.BiConsumer<GroupCoordinator, RuntimeException> onFailure) {
    try {
      thread.execute(
          () -> {
            try {
              RunnelError elsewhere = group == null ? null : notCoordinator.apply(group);
              if (elsewhere != null) {
                throw elsewhere;
              }
              refreshTopics();
              work.accept(coordinator);
            } catch (RuntimeException e) {
              onFailure.accept(coordinator, e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      onFailure.accept(coordinator, RunnelError.unavailable("the node is shutting down"));
    }
  }

  /** Now, in ms, on a clock that never goes back (members' deadlines use it). */
  public static long nowMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  public int groupCount() {
    return groupCount;
  }

  public int memberCount() {
    return memberCount;
  }

  public long rebalances() {
    return rebalances;
  }

  /** Group id → member count of the groups this node coordinates, as of the last tick. */
  public SortedMap<String, Integer> membersByGroup() {
    return membersByGroup;
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // A bug; keep ticking so that members still expire, but make it loud.
      LOG.error("group coordinator tick failed", e);
    }
  }

  private void tick() {
    for (String group : coordinator.groupIds()) {
      RunnelError elsewhere = notCoordinator.apply(group);
      if (elsewhere != null) {
        LOG.info("no longer the coordinator of group {}; closing its members' streams", group);
        coordinator.closeGroup(group, elsewhere);
      }
    }
    refreshTopics();
    coordinator.tick(nowMs());
    groupCount = coordinator.groupCount();
    memberCount = coordinator.memberCount();
    membersByGroup = Collections.unmodifiableSortedMap(coordinator.memberCounts());
    long total = coordinator.rebalances();
    if (total > rebalances) {
      rebalancesAdded.accept(total - rebalances);
    }
    rebalances = total;
  }

  private void refreshTopics() {
    SortedMap<String, TopicRecord> current = topics.get();
    if (current != topicsSeen) {
      Map<String, Integer> counts = new HashMap<>();
      current.forEach((name, topic) -> counts.put(name, topic.getPartitions()));
      coordinator.topicsChanged(counts, nowMs());
      topicsSeen = current;
    }
  }

  /**
   * Ends every member's stream (members look for the coordinator again and rejoin there), then
   * stops the thread.
   */
  @Override
  public void close() {
    try {
      thread
          .submit(() -> coordinator.closeAll(GroupErrors.notCoordinator(-1, "")))
          .get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      LOG.warn("group streams were not closed cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
  }
}
