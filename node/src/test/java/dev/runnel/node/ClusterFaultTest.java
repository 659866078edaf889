package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fault schedule against a 3-node cluster: for 20 rounds a random node is stopped, or
 * cut off from the others' Raft traffic for the round (a network partition: the minority side
 * cannot acknowledge, the majority goes on, the healed node catches up), or the stopped ones are
 * started again (and sometimes another stopped right after), while two producers write
 * continuously. With -Drunnel.fault.quorumLoss=true a second node is sometimes
 * stopped while one is down, so the controller and the partitions lose their majority for a
 * round. Raft logs are snapshotted and
 * purged all along, so returning replicas also catch up by copying from leaders. At the end: no
 * acknowledged record lost, each partition's order kept, every replica identical. Replay a
 * failure with -Drunnel.fault.seed=SEED.
 *
 * <p>No duplicates either: the producers are idempotent, so a retry of a batch whose answer was
 * lost in a failover is recognised by the partition and not written twice.
 */
class ClusterFaultTest {
  private static final int ROUNDS = 20;
  /**
   * Also stop a second node at times (losing the majority for a round); run with
   * -Drunnel.fault.quorumLoss=true. Off in CI: a node restarted after a quorum loss sometimes
   * failed to register within its start-up budget, the symptom of the ALREADY_INSTALLED livelock
   * RaftTransport now handles; three runs with it passed since (docs/operations.md, "Fault
   * testing"), too few yet to make CI depend on it.
   */
  private static final boolean QUORUM_LOSS = Boolean.getBoolean("runnel.fault.quorumLoss");
  /**
   * Also cut a running node off from the others' Raft traffic for a round (a network partition,
   * see {@link RaftLinkCuts}): on by default; -Drunnel.fault.partitions=false replays a seed's
   * kill/restart schedule without them. Three Ratis 3.3.0 paths that left a restarted node's
   * replicas stuck under cuts are handled (a notice that never finishes an install, see
   * ReplicaReader; a log ending below the snapshot, see StaleOpenSegment; the ALREADY_INSTALLED
   * livelock, see RaftTransport; docs/operations.md, "Fault testing").
   * NetworkPartitionTest covers one partition deterministically.
   */
  private static final boolean PARTITIONS_CUT =
      Boolean.parseBoolean(System.getProperty("runnel.fault.partitions", "true"));
  private static final int PARTITIONS = 4;
  /** Records per producer at most; also how values tell producers apart. */
  private static final int PER_PRODUCER = 1_000_000;

  @TempDir Path root;

  @Test
  void randomNodeRestartsLoseNothingAcknowledged() throws Exception {
    long seed = Long.getLong("runnel.fault.seed", System.nanoTime());
    System.out.println("ClusterFaultTest seed " + seed);
    Random random = new Random(seed);
    // Frequent snapshots and small segments: leaders purge their Raft logs during the run, so a
    // restarted replica catches up from the Raft log or, past a purge, by copying from the leader.
    try (LocalCluster cluster =
        new LocalCluster(root, 3)
            .cuttable()
            .with("raft.snapshot.every.entries", "32")
            .with("message.max.bytes", Integer.toString(16 << 10))
            .with("raft.log.segment.bytes", Integer.toString(64 << 10))
            .startAll()) {
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic("faults", PARTITIONS, 3, Map.of());
      }
      Map<Integer, ConcurrentLinkedQueue<Integer>> acked = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> producers = new ArrayList<>();
      for (int p = 1; p <= 2; p++) {
        String bootstrap = cluster.bootstrap(p);
        int producerId = p;
        Thread t = new Thread(() -> produceUntil(stop, bootstrap, producerId, acked), "fault-producer-" + p);
        t.start();
        producers.add(t);
      }
      Set<Integer> down = new HashSet<>();
      int quorumLosses = 0;
      int cutsMade = 0;
      // Cuts are drawn from their own generator, so a seed replays the same kill/restart schedule
      // with and without -Drunnel.fault.partitions=true.
      Random cutRandom = new Random(seed * 31 + 7);
      int cutNode = 0;
      for (int round = 0; round < ROUNDS; round++) {
        if (cutNode != 0) {
          cluster.healAll();
          cutNode = 0;
        }
        int node = 1 + random.nextInt(3);
        if (PARTITIONS_CUT && down.isEmpty() && cutRandom.nextInt(3) == 0) {
          // Instead of a stop: the node keeps running, cut off from the others' Raft traffic for
          // this round. If it led a partition, that leader cannot commit (no majority) and the
          // other two elect a new one; clients still reach the cut node and are forwarded or
          // retried. At the next round it is healed and catches up.
          cluster.cut(node);
          cutNode = node;
          cutsMade++;
        } else if (down.isEmpty()) {
          cluster.stop(node);
          down.add(node);
        } else if (QUORUM_LOSS && down.size() == 1 && !down.contains(node) && random.nextInt(4) == 0) {
          // A second node goes: the controller and every partition lose their majority until
          // one of the two returns; producers stall and retry meanwhile.
          cluster.stop(node);
          down.add(node);
          quorumLosses++;
        } else {
          for (int back : List.copyOf(down)) {
            cluster.start(back);
            down.remove(back);
          }
          if (random.nextBoolean()) {
            cluster.stop(node);
            down.add(node);
          }
        }
        Thread.sleep(200 + random.nextInt(600));
        if (cutNode != 0) {
          // Long enough (several election timeouts) for the majority side to elect new leaders
          // and go on writing while the cut node lags behind.
          Thread.sleep(1_500 + cutRandom.nextInt(1_000));
        }
      }
      cluster.healAll();
      for (int node : down) {
        cluster.start(node);
      }
      Thread.sleep(1_000);
      stop.set(true);
      for (Thread t : producers) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }

      int ackedTotal = 0;
      for (int p = 0; p < PARTITIONS; p++) {
        List<Integer> reference = cluster.awaitReplicasEqual("faults", p);
        List<Integer> expected = new ArrayList<>(acked.getOrDefault(p, new ConcurrentLinkedQueue<>()));
        expected.sort(Integer::compare);
        ackedTotal += expected.size();
        List<Integer> firstSeen = new ArrayList<>(new LinkedHashSet<>(reference));
        assertEquals(firstSeen, reference, "seed " + seed + ": partition " + p + " holds a record twice");
        Set<Integer> stored = new HashSet<>(firstSeen);
        for (int value : expected) {
          assertTrue(stored.contains(value), "seed " + seed + ": acknowledged " + value + " lost in partition " + p);
        }
        Set<Integer> expectedSet = new HashSet<>(expected);
        assertEquals(
            expected,
            firstSeen.stream().filter(expectedSet::contains).sorted().toList(),
            "seed " + seed);
        // Each producer's records of a partition keep its send order (the producers interleave).
        for (int producer = 1; producer <= 2; producer++) {
          int id = producer;
          List<Integer> own = firstSeen.stream().filter(v -> v / PER_PRODUCER == id).toList();
          for (int i = 1; i < own.size(); i++) {
            assertTrue(own.get(i) > own.get(i - 1), "seed " + seed + ": reordered in partition " + p);
          }
        }
      }
      assertTrue(ackedTotal > 100, "seed " + seed + ": producers made progress (" + ackedTotal + ")");
      long catchUps = 0;
      for (int node = 1; node <= 3; node++) {
        catchUps += (Long) cluster.node(node).metrics().registry().getGauges().get("runnel.partitions.catch.ups").getValue();
      }
      System.out.printf(
          "ClusterFaultTest seed %d: %d acknowledged, all present once on 3 identical replicas, %d catch-ups"
              + " by copying, %d quorum losses, %d network partitions%n",
          seed, ackedTotal, catchUps, quorumLosses, cutsMade);
    }
  }

  /** Producer p writes values p * PER_PRODUCER + 0, 1, 2, ... */
  private static void produceUntil(
      AtomicBoolean stop,
      String bootstrap,
      int producerId,
      Map<Integer, ConcurrentLinkedQueue<Integer>> acked) {
    try (Producer producer =
        Producer.builder()
            .bootstrap(bootstrap)
            .lingerMs(2)
            .batchSizeBytes(8 << 10)
            .retries(20)
            .requestTimeoutMs(5_000)
            .maxBlockMs(5_000)
            .build()) {
      // Bounded by the flag and by count: the loop stops by itself.
      for (int i = 0; !stop.get() && i < PER_PRODUCER; i++) {
        int seq = producerId * PER_PRODUCER + i;
        try {
          producer
              .send(ProducerRecord.of("faults", null, Integer.toString(seq).getBytes(StandardCharsets.UTF_8)))
              .thenAccept(md -> acked.computeIfAbsent(md.partition(), k -> new ConcurrentLinkedQueue<>()).add(seq));
        } catch (RuntimeException bufferFullWhileNoQuorum) {
          // The record was not accepted; it is not counted.
        }
        if (i % 20 == 0) {
          Thread.sleep(5);
        }
      }
      try {
        producer.flush();
      } catch (RuntimeException someSendsFailed) {
        // Failed sends were never acknowledged and are not checked.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
