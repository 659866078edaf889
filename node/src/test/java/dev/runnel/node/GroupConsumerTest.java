package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.GroupState;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RebalanceListener;
import dev.runnel.sdk.RecordMetadata;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consumer groups through the SDK against a real node: rebalances, crashes, fencing, lag. */
class GroupConsumerTest {
  private static final int SESSION_TIMEOUT_MS = 1_500;

  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static String bootstrap;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("group.session.timeout.ms.min", "500");
    node = TestNodes.start(config);
    bootstrap = "127.0.0.1:" + node.grpcPort();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void createTopic(String name, int partitions) {
    try (Admin admin = Admin.create(bootstrap)) {
      admin.createTopic(name, partitions, 1, Map.of());
    }
  }

  /** A group member polling on its own thread, recording what it processed and was told. */
  private static final class Worker implements RebalanceListener, AutoCloseable {
    final String name;
    final GroupConsumer consumer;
    final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    final List<String> callbacks = new CopyOnWriteArrayList<>();
    final AtomicLong received = new AtomicLong();
    final Map<TopicPartition, Set<Long>> processed;
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;
    volatile boolean crashed;

    Worker(String name, String address, String group, String topic, String staticId, Map<TopicPartition, Set<Long>> processed) {
      this.name = name;
      this.processed = processed;
      this.consumer =
          GroupConsumer.builder()
              .bootstrap(address)
              .groupId(group)
              .staticMemberId(staticId)
              .sessionTimeoutMs(SESSION_TIMEOUT_MS)
              .autoCommitIntervalMs(200)
              .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
              .retries(3)
              .build();
      consumer.subscribe(List.of(topic), this);
      thread = new Thread(this::run, "worker-" + name);
      thread.start();
    }

    private void run() {
      while (running.get()) {
        try {
          for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
            processed.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> ConcurrentHashMap.newKeySet())
                .add(r.offset());
            received.incrementAndGet();
          }
        } catch (RunnelException e) {
          if (!crashed) {
            throw e;
          }
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      owned.addAll(partitions);
      callbacks.add("assigned " + partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      owned.removeAll(partitions);
      callbacks.add("revoked " + partitions);
    }

    /** Stops polling without closing (the process hangs or dies). */
    void stopPolling() throws InterruptedException {
      running.set(false);
      thread.join(5_000);
    }

    @Override
    public void close() throws InterruptedException {
      stopPolling();
      consumer.close();
    }
  }

  /** Produces values 0.. to {@code topic} from a background thread until stopped. */
  private static final class Load implements AutoCloseable {
    final List<RecordMetadata> acked = new CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;

    Load(String topic) {
      thread =
          new Thread(
              () -> {
                try (Producer producer = Producer.builder().bootstrap(bootstrap).lingerMs(2).build()) {
                  for (int i = 0; running.get(); i++) {
                    producer
                        .send(ProducerRecord.of(topic, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)))
                        .thenAccept(acked::add);
                    if (i % 20 == 0) {
                      Thread.sleep(2);
                    }
                  }
                  producer.flush();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "load");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }
  }

  private static void awaitEveryAckedRecordProcessed(Load load, Map<TopicPartition, Set<Long>> processed, String topic) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<String> missing = new ArrayList<>();
              for (RecordMetadata md : load.acked) {
                Set<Long> offsets = processed.get(new TopicPartition(topic, md.partition()));
                if (offsets == null || !offsets.contains(md.offset())) {
                  missing.add(md.partition() + "@" + md.offset());
                }
              }
              assertTrue(missing.isEmpty(), missing.size() + " acked records not processed, e.g. " + missing.stream().limit(5).toList());
            });
  }

  @Test
  void threeMembersSplitSixPartitions_aFourthPausesOnlyTheMovedOne_andEveryRecordIsProcessed() throws Exception {
    String topic = "grp-steady";
    createTopic(topic, 6);
    Map<TopicPartition, Set<Long>> processed = new ConcurrentHashMap<>();
    List<Worker> workers = new ArrayList<>();
    try (Load load = new Load(topic)) {
      for (int i = 0; i < 3; i++) {
        workers.add(new Worker("w" + i, bootstrap, "steady", topic, "", processed));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> workers.stream().allMatch(w -> w.owned.size() == 2));
      await().atMost(Duration.ofSeconds(10)).until(() -> workers.stream().allMatch(w -> w.received.get() > 0));
      List<Integer> callbacksBefore = workers.stream().map(w -> w.callbacks.size()).toList();
      long[] receivedBefore = workers.stream().mapToLong(w -> w.received.get()).toArray();

      Worker fourth = new Worker("w3", bootstrap, "steady", topic, "", processed);
      workers.add(fourth);
      await().atMost(Duration.ofSeconds(10)).until(() -> fourth.received.get() > 0);
      TopicPartition moved = fourth.owned.iterator().next();
      int revokedMembers = 0;
      for (int i = 0; i < 3; i++) {
        Worker w = workers.get(i);
        List<String> during = List.copyOf(w.callbacks.subList(callbacksBefore.get(i), w.callbacks.size()));
        if (during.isEmpty()) {
          assertEquals(2, w.owned.size(), w.name + " kept its partitions");
          // Records go to one partition per batch (sticky partitioner), so a member may see none
          // in a short window: it must go on receiving, not necessarily within the join itself.
          long before = receivedBefore[i];
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> w.received.get() > before);
          assertEquals(during, w.callbacks.subList(callbacksBefore.get(i), w.callbacks.size()),
              w.name + " received without giving anything up");
        } else {
          revokedMembers++;
          assertEquals(List.of("revoked [" + moved + "]"), during, w.name + " gave up only the moved partition");
        }
      }
      assertEquals(1, revokedMembers, "exactly one member gave up one partition");
      assertEquals(List.of(2, 2, 1, 1), workers.stream().map(w -> w.owned.size()).sorted((a, b) -> b - a).toList());

      load.close();
      awaitEveryAckedRecordProcessed(load, processed, topic);
    } finally {
      for (Worker w : workers) {
        w.close();
      }
    }
  }

  @Test
  void aStreamOfOffsetCommitsNeverMakesTheCoordinatorDropItsMembers() {
    // Regression: every commit is a controller entry, committed a moment before it is applied;
    // the coordinator used to treat that moment as "not caught up, not the coordinator" and end
    // every member's stream (they rejoined as new members and their partitions moved).
    String topic = "grp-busy";
    createTopic(topic, 2);
    try (GroupConsumer calm = manual("calm"); GroupConsumer busy = manual("busy")) {
      calm.subscribe(List.of(topic));
      busy.subscribe(List.of(topic));
      pollUntil(() -> calm.assignment().size() == 2 && busy.assignment().size() == 2, calm, busy);
      String calmId = calm.memberId();
      String busyId = busy.memberId();
      long calmGeneration = calm.generation();
      for (long i = 1; i <= 300; i++) {
        busy.commitSync(Map.of(new TopicPartition(topic, (int) (i % 2)), i));
        if (i % 10 == 0) {
          calm.poll(Duration.ofMillis(1));
          busy.poll(Duration.ofMillis(1));
        }
      }
      calm.poll(Duration.ofMillis(300));
      busy.poll(Duration.ofMillis(1));
      assertEquals(calmId, calm.memberId(), "the calm member kept its membership");
      assertEquals(calmGeneration, calm.generation(), "and heard of no rebalance");
      assertEquals(busyId, busy.memberId(), "the committing member kept its membership");
      assertEquals(2, calm.assignment().size());
    }
  }

  @Test
  void aCrashedMembersPartitionsMoveWithinTheSessionTimeout_andCommittedProgressIsNeverLost() throws Exception {
    String topic = "grp-crash";
    createTopic(topic, 6);
    Map<TopicPartition, Set<Long>> processed = new ConcurrentHashMap<>();
    try (CuttableProxy proxy = new CuttableProxy(node.grpcPort());
        Load load = new Load(topic);
        Worker a = new Worker("a", bootstrap, "crash", topic, "", processed);
        Worker b = new Worker("b", bootstrap, "crash", topic, "", processed);
        Worker victim = new Worker("victim", proxy.address(), "crash", topic, "", processed)) {
      await().atMost(Duration.ofSeconds(10))
          .until(() -> a.owned.size() == 2 && b.owned.size() == 2 && victim.owned.size() == 2 && victim.received.get() > 0);
      // The victim's process dies: no more polls, no close, its connection is reset.
      victim.crashed = true;
      victim.stopPolling();
      long cutAtMs = System.currentTimeMillis();
      proxy.cut();
      await().atMost(Duration.ofMillis(SESSION_TIMEOUT_MS + 2_000))
          .until(() -> a.owned.size() + b.owned.size() == 6);
      long movedAfterMs = System.currentTimeMillis() - cutAtMs;
      assertTrue(movedAfterMs <= SESSION_TIMEOUT_MS + 2_000, "moved after " + movedAfterMs + " ms");

      load.close();
      awaitEveryAckedRecordProcessed(load, processed, topic);
      // The survivors commit on close: the group's committed offsets then cover every record.
      a.close();
      b.close();
      try (Admin admin = Admin.create(bootstrap)) {
        DescribeGroupResponse group = admin.describeGroup("crash");
        assertEquals(GroupState.GROUP_STATE_EMPTY, group.getState());
        assertEquals(6, group.getPartitionsCount());
        for (PartitionLag p : group.getPartitionsList()) {
          assertEquals(p.getEndOffset(), p.getCommittedOffset(), "partition " + p.getPartition());
          assertEquals(0, p.getLag());
        }
      }
    }
  }

  @Test
  void aStaticMemberThatRestartsWithinItsSessionTimeoutGetsItsPartitionsBack_andNobodyElseMoves() throws Exception {
    String topic = "grp-static";
    createTopic(topic, 4);
    Map<TopicPartition, Set<Long>> processed = new ConcurrentHashMap<>();
    try (Worker b = new Worker("b", bootstrap, "static", topic, "", processed)) {
      Worker a = new Worker("a", bootstrap, "static", topic, "host-a", processed);
      await().atMost(Duration.ofSeconds(10)).until(() -> a.owned.size() == 2 && b.owned.size() == 2);
      Set<TopicPartition> aHad = Set.copyOf(a.owned);
      int bCallbacks = b.callbacks.size();
      a.close(); // a static member does not leave: its partitions wait for it
      try (Worker again = new Worker("a-again", bootstrap, "static", topic, "host-a", processed)) {
        await().atMost(Duration.ofMillis(SESSION_TIMEOUT_MS)).until(() -> again.owned.equals(aHad));
        assertEquals(bCallbacks, b.callbacks.size(), "b heard of no rebalance: " + b.callbacks);
        assertEquals(2, b.owned.size());
        try (Admin admin = Admin.create(bootstrap)) {
          DescribeGroupResponse group = admin.describeGroup("static");
          assertEquals(2, group.getMembersCount());
          assertTrue(group.getMembersList().stream().anyMatch(m -> m.getStaticMemberId().equals("host-a")));
        }
      }
    }
  }

  @Test
  void aCommitForAPartitionTheMemberNoLongerOwnsIsRefused() {
    String topic = "grp-fence";
    createTopic(topic, 2);
    try (GroupConsumer a = manual("fence"); GroupConsumer b = manual("fence")) {
      a.subscribe(List.of(topic));
      pollUntil(() -> a.assignment().size() == 2, a);
      long oldGeneration = a.generation();
      b.subscribe(List.of(topic));
      pollUntil(() -> a.assignment().size() == 1 && b.assignment().size() == 1, a, b);
      assertTrue(a.generation() > oldGeneration);
      TopicPartition moved = b.assignment().iterator().next();
      RunnelException fenced = assertThrows(RunnelException.class, () -> a.commitSync(Map.of(moved, 1L)));
      assertEquals(ErrorReason.FENCED_MEMBER, fenced.reason());
      assertTrue(fenced.getMessage().contains("does not own"), fenced.getMessage());
      b.commitSync(Map.of(moved, 1L));
      a.commitSync(Map.of(a.assignment().iterator().next(), 1L));
    }
  }

  @Test
  void describeReportsLagAsEndOffsetMinusCommitted() {
    String topic = "grp-lag";
    createTopic(topic, 3);
    try (Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      for (int p = 0; p < 3; p++) {
        for (int i = 0; i < 10 * (p + 1); i++) {
          producer.send(new ProducerRecord(topic, p, null, new byte[] {1}, List.of(), 0));
        }
      }
      producer.flush();
    }
    try (GroupConsumer c = manual("lag"); Admin admin = Admin.create(bootstrap)) {
      c.subscribe(List.of(topic));
      pollUntil(() -> c.assignment().size() == 3, c);
      c.commitSync(Map.of(new TopicPartition(topic, 0), 4L, new TopicPartition(topic, 1), 20L));
      DescribeGroupResponse group = admin.describeGroup("lag");
      Map<Integer, Long> ends = admin.listOffsets(topic, dev.runnel.proto.v1.OffsetSpec.OFFSET_SPEC_LATEST);
      assertEquals(Map.of(0, 10L, 1, 20L, 2, 30L), ends);
      assertEquals(3, group.getPartitionsCount());
      for (PartitionLag p : group.getPartitionsList()) {
        assertEquals(ends.get(p.getPartition()), p.getEndOffset());
        assertEquals(c.memberId(), p.getMemberId());
        if (p.getPartition() == 2) {
          assertEquals(-1, p.getCommittedOffset());
          assertEquals(-1, p.getLag(), "no commit: lag unknown");
        } else {
          assertEquals(p.getEndOffset() - p.getCommittedOffset(), p.getLag());
        }
      }
      assertEquals(6, group.getPartitions(0).getLag());
      assertEquals(0, group.getPartitions(1).getLag());
      assertTrue(admin.listGroups().stream().anyMatch(g -> g.getGroup().equals("lag") && g.getMembers() == 1));
    }
  }

  private static GroupConsumer manual(String group) {
    return GroupConsumer.builder()
        .bootstrap(bootstrap)
        .groupId(group)
        .sessionTimeoutMs(SESSION_TIMEOUT_MS)
        .autoCommit(false)
        .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
        .build();
  }

  private static void pollUntil(java.util.function.BooleanSupplier done, GroupConsumer... consumers) {
    long deadlineMs = System.currentTimeMillis() + 10_000;
    while (!done.getAsBoolean()) {
      assertFalse(System.currentTimeMillis() > deadlineMs, "condition not reached in 10 s");
      for (GroupConsumer c : consumers) {
        c.poll(Duration.ofMillis(20));
      }
    }
  }
}
