package dev.runnel.node;

import dev.runnel.node.metrics.NodeMetrics;
import dev.runnel.proto.internal.NodeRecord;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.raft.AppendCoalescer;
import dev.runnel.raft.ClusterMetadata;
import dev.runnel.raft.PartitionStateMachine;
import dev.runnel.raft.RaftHost;
import dev.runnel.raft.RaftIds;
import dev.runnel.storage.CorruptBatchException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Raft groups this node hosts match the metadata: opens a group for every partition of
 * every topic, removes (and deletes) groups whose topic is gone. It runs on its own single thread,
 * triggered after each topic change and once at start-up, so group lifecycle never blocks the
 * controller's apply thread. Each node opens only the groups of the partitions it holds a replica
 * of; every replica's node adds the group with the same peers, and Raft elects among them.
 */
final class Reconciler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final RaftHost raft;
  private final ClusterMetadata metadata;
  private final PartitionDirectory directory;
  private final NodeMetrics metrics;
  private final int appendEntriesInFlightMax;
  /** Passes after every metadata change, and every few seconds to finish replica moves. */
  private static final long PERIODIC_PASS_MS = 2_000;

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(daemon("runnel-reconciler"));
  /** Changes of group membership block until committed, so they run apart from the passes. */
  private final ExecutorService membershipThread =
      Executors.newSingleThreadExecutor(daemon("runnel-membership"));
  private final Set<RaftGroupId> membershipChanges = ConcurrentHashMap.newKeySet();

  Reconciler(
      RaftHost raft,
      ClusterMetadata metadata,
      PartitionDirectory directory,
      NodeMetrics metrics,
      int appendEntriesInFlightMax) {
    this.metrics = metrics;
    this.appendEntriesInFlightMax = appendEntriesInFlightMax;
    this.raft = raft;
    this.metadata = metadata;
    this.directory = directory;
    thread.scheduleWithFixedDelay(
        this::reconcileLogged, PERIODIC_PASS_MS, PERIODIC_PASS_MS, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private void reconcileLogged() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      LOG.warn("reconciling partitions failed, will retry: {}", e.toString());
    }
  }

  /** Schedules a pass; the future completes when a pass that started after this call is done. */
  CompletableFuture<Void> reconcileSoon() {
    return CompletableFuture.runAsync(this::reconcile, thread);
  }

  private void reconcile() {
    // In topic-name, partition order, the same on every node: the replicas of a new partition are
    // then added at about the same time on each of its nodes, and its first election (100-300 ms
    // after the add) finds the other replicas already there instead of failing and waiting a
    // full election timeout.
    Map<RaftGroupId, PartitionDirectory.Key> desired = new LinkedHashMap<>();
    Map<RaftGroupId, TopicRecord> topicOf = new HashMap<>();
    Map<RaftGroupId, List<Integer>> replicasOf = new HashMap<>();
    int self = RaftIds.nodeIdOf(raft.self().getId());
    for (TopicRecord topic : metadata.topics().values()) {
      for (int p = 0; p < topic.getPartitions(); p++) {
        RaftGroupId id = RaftIds.partitionGroup(topic.getTopicId(), p);
        List<Integer> replicas = topic.getAssignments(p).getReplicasList();
        replicasOf.put(id, replicas);
        if (!replicas.contains(self)) {
          continue;
        }
        desired.put(id, new PartitionDirectory.Key(topic.getTopicId(), p));
        topicOf.put(id, topic);
      }
    }
    Set<RaftGroupId> hostedGroups = raft.groupIds();
    for (RaftGroupId id : hostedGroups) {
      // A replica moved away leaves once its group's configuration no longer names it: leaving
      // before would take a voter from the group in the middle of the change.
      if (!id.equals(RaftIds.CONTROLLER_GROUP)
          && !desired.containsKey(id)
          && (!replicasOf.containsKey(id) || !raft.groupMembers(id).contains(self))) {
        remove(id);
      }
    }
    desired.forEach((id, key) -> open(id, key, topicOf.get(id)));
    replicasOf.forEach(
        (id, replicas) -> {
          if (raft.leadsAndCaughtUp(id) && !raft.groupMembers(id).equals(new HashSet<>(replicas))) {
            changeMembers(id, replicas);
          }
        });
  }

  /**
   * The assignment of a partition this node leads changed (a reassignment): move the group's
   * configuration to it, off the reconciler's thread, one change per group at a time.
   */
  private void changeMembers(RaftGroupId id, List<Integer> replicas) {
    if (!membershipChanges.add(id)) {
      return;
    }
    List<RaftPeer> peers = directory.peers(replicas);
    LOG.info("group {}: changing its replicas to nodes {}", id, replicas);
    CompletableFuture.runAsync(
            () -> {
              try {
                raft.changeMembers(id, peers);
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            },
            membershipThread)
        .whenComplete(
            (ok, failure) -> {
              membershipChanges.remove(id);
              if (failure != null) {
                LOG.warn("group {}: changing replicas failed, will retry: {}", id, failure.toString());
              } else {
                LOG.info("group {}: replicas are now nodes {}", id, replicas);
              }
              reconcileSoon();
            });
  }

  private void open(RaftGroupId id, PartitionDirectory.Key key, TopicRecord topic) {
    if (directory.hosted().containsKey(key)) {
      return;
    }
    try {
      raft.ensureGroup(id, directory.peers(topic.getAssignments(key.partition()).getReplicasList()));
      PartitionStateMachine sm = raft.partition(id);
      if (sm == null || sm.log() == null) {
        throw new IllegalStateException("group " + id + " has no partition state machine");
      }
      AppendCoalescer appender =
          new AppendCoalescer(
              raft,
              id,
              appendEntriesInFlightMax,
              raft.settings().entryBytesMax(),
              batches -> {
                metrics.raftAppendEntries.inc();
                metrics.raftAppendBatches.inc(batches);
              });
      directory
          .hosted()
          .put(
              key,
              new PartitionHandle(
                  topic.getName(), key.partition(), id, sm.log(), appender, damaged -> repair(sm, damaged)));
      LOG.info("opened partition {}-{}", topic.getName(), key.partition());
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot open partition {}-{}: {}", topic.getName(), key.partition(), e.toString());
    }
  }

  /** A read found a damaged stored batch: count it and fetch an intact copy from another replica. */
  private void repair(PartitionStateMachine sm, CorruptBatchException damaged) {
    metrics.corruptBatchesFound.inc();
    if (damaged.getBaseOffset() < 0) {
      return;
    }
    sm.repairBatch(damaged.getBaseOffset())
        .whenComplete(
            (repaired, failure) -> {
              if (Boolean.TRUE.equals(repaired)) {
                metrics.corruptBatchesRepaired.inc();
              }
            });
  }

  private void remove(RaftGroupId id) {
    directory
        .hosted()
        .entrySet()
        .removeIf(
            entry -> {
              if (entry.getValue().groupId().equals(id)) {
                entry.getValue().close();
                LOG.info("closed partition {}", entry.getValue());
                return true;
              }
              return false;
            });
    try {
      raft.removeGroup(id);
    } catch (IOException e) {
      LOG.error("cannot remove raft group {}: {}", id, e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    membershipThread.shutdownNow();
  }
}
