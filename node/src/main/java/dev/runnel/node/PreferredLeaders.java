package dev.runnel.node;

import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.v1.ElectPreferredLeadersResponse;
import dev.runnel.proto.v1.PreferredLeaderElection;
import dev.runnel.raft.RaftHost;
import dev.runnel.raft.RaftIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Moves partitions' leadership to their preferred leaders on request ({@code runnel cluster
 * elect-preferred-leaders}). Any node can do it: it asks each partition's Raft group, through a
 * client of the group's peers, to transfer leadership to the first replica, a few partitions at
 * a time.
 */
public final class PreferredLeaders implements AutoCloseable {
  /** How long one partition's transfer may take: the preferred leader must catch up first. */
  static final long TRANSFER_TIMEOUT_MS = 10_000;
  /** Transfers in parallel; each holds a Raft client and a thread while it waits. */
  static final int TRANSFERS_PARALLEL_MAX = 4;

  private final RaftHost raft;
  private final PartitionDirectory directory;
  private final ExecutorService transfers =
      Executors.newFixedThreadPool(
          TRANSFERS_PARALLEL_MAX,
          r -> {
            Thread t = new Thread(r, "runnel-preferred-leaders");
            t.setDaemon(true);
            return t;
          });

  PreferredLeaders(RaftHost raft, PartitionDirectory directory) {
    this.raft = raft;
    this.directory = directory;
  }

  /** Every partition of {@code topicName}, or of every topic when it is empty (UNKNOWN_TOPIC if absent). */
  public CompletableFuture<ElectPreferredLeadersResponse> elect(String topicName) {
    Collection<TopicRecord> topics =
        topicName.isEmpty() ? directory.metadata().topics().values() : List.of(directory.topic(topicName));
    List<CompletableFuture<PreferredLeaderElection>> elections = new ArrayList<>();
    for (TopicRecord topic : topics) {
      for (int p = 0; p < topic.getPartitions(); p++) {
        int partition = p;
        elections.add(CompletableFuture.supplyAsync(() -> electOne(topic, partition), transfers));
      }
    }
    return CompletableFuture.allOf(elections.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              ElectPreferredLeadersResponse.Builder response = ElectPreferredLeadersResponse.newBuilder();
              elections.forEach(e -> response.addElections(e.join()));
              return response.build();
            });
  }

  private PreferredLeaderElection electOne(TopicRecord topic, int partition) {
    List<Integer> replicas = topic.getAssignments(partition).getReplicasList();
    int preferred = replicas.get(0);
    PreferredLeaderElection.Builder election =
        PreferredLeaderElection.newBuilder()
            .setTopic(topic.getName())
            .setPartition(partition)
            .setPreferredLeader(preferred);
    try {
      RaftPeerId answered =
          raft.transferLeadership(
              RaftIds.partitionGroup(topic.getTopicId(), partition),
              directory.peers(replicas),
              RaftIds.peerId(preferred),
              TRANSFER_TIMEOUT_MS);
      return election
          .setOutcome(
              RaftIds.nodeIdOf(answered) == preferred
                  ? PreferredLeaderElection.Outcome.ALREADY_PREFERRED
                  : PreferredLeaderElection.Outcome.MOVED)
          .build();
    } catch (IOException | RuntimeException e) {
      return election
          .setOutcome(PreferredLeaderElection.Outcome.FAILED)
          .setError(String.valueOf(rootMessage(e)))
          .build();
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause == t ? t.getMessage() : t.getMessage() + ": " + cause.getMessage();
  }

  @Override
  public void close() {
    transfers.shutdownNow();
  }
}
