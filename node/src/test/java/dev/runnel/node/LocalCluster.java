package dev.runnel.node;

import static org.awaitility.Awaitility.await;

import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Three (or five) real nodes in this JVM, each with its own Ratis server, ports on 127.0.0.1 and
 * data directory; nodes can be stopped and started again on the same directory and ports.
 */
final class LocalCluster implements AutoCloseable {
  private final Path root;
  private final int size;
  private final int[] grpcPorts;
  private final int[] raftPorts;
  private final RunnelNode[] nodes;
  /** Whether each node has started once (its data directory then belongs to this cluster). */
  private final boolean[] everStarted;
  private final String voters;
  private final Map<String, String> overrides = new HashMap<>();
  private final RaftLinkCuts cuts = new RaftLinkCuts();
  /** Whether nodes get the Raft traffic filter that {@link #cut} needs (off: Ratis untouched). */
  private boolean cuttable;

  /** Puts the filter {@link #cut} needs on the Raft servers of nodes started after this call. */
  LocalCluster cuttable() {
    cuttable = true;
    return this;
  }

  /** Node settings on top of the test defaults, for every node started after this call. */
  LocalCluster with(String key, String value) {
    overrides.put(key, value);
    return this;
  }

  LocalCluster(Path root, int size) throws Exception {
    this(root, size, size);
  }

  /**
   * {@code size} nodes of which the first {@code voterCount} form the controller quorum; the
   * others are non-voters that follow the controller group as listeners.
   */
  LocalCluster(Path root, int size, int voterCount) throws Exception {
    this.root = root;
    this.size = size;
    this.grpcPorts = new int[size + 1];
    this.raftPorts = new int[size + 1];
    this.nodes = new RunnelNode[size + 1];
    this.everStarted = new boolean[size + 1];
    List<String> voterList = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      grpcPorts[id] = freePort();
      raftPorts[id] = freePort();
      if (id <= voterCount) {
        voterList.add(id + "@127.0.0.1:" + raftPorts[id]);
      }
    }
    this.voters = String.join(",", voterList);
  }

  /** Starts every node; they wait for each other to form the controller quorum. */
  LocalCluster startAll() throws Exception {
    return startFirst(size);
  }

  /** Starts nodes 1..count (at least the voters) and waits until each knows all of them. */
  LocalCluster startFirst(int count) throws Exception {
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (int id = 1; id <= count; id++) {
      int nodeId = id;
      starts.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  start(nodeId);
                } catch (Exception e) {
                  throw new IllegalStateException("node " + nodeId + " did not start", e);
                }
              },
              OwnThreads.EACH));
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    // Each node learns the others' registrations when its controller replica applies them;
    // until then it counts fewer live nodes (and refuses a topic with RF = size).
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Arrays.stream(nodes, 1, count + 1).allMatch(n -> n.registeredNodes() == count));
    return this;
  }

  void start(int id) throws Exception {
    for (int attempt = 1; ; attempt++) {
      Map<String, String> config = new HashMap<>(TestNodes.config(root.resolve("node-" + id)));
      config.put("node.id", Integer.toString(id));
      config.put("grpc.port", Integer.toString(grpcPorts[id]));
      config.put("raft.port", Integer.toString(raftPorts[id]));
      config.put("controller.quorum.voters", voters);
      config.putAll(overrides);
      try {
        nodes[id] =
            RunnelNode.start(
                NodeConfig.of(config),
                cuttable ? cuts.parametersFor(id) : new org.apache.ratis.conf.Parameters());
        everStarted[id] = true;
        return;
      } catch (Exception e) {
        // A port found free can be taken by another process before the node binds it. The
        // client port is ours to change (the Raft port is named in the voters, so it is not).
        if (attempt >= 3 || !portTaken(e)) {
          throw e;
        }
        grpcPorts[id] = freePort();
        if (!everStarted[id]) {
          // The failed first start already wrote meta.properties with a cluster id of its own;
          // left there, the retry is no longer a fresh node and refuses the quorum's cluster id.
          Files.deleteIfExists(root.resolve("node-" + id).resolve("meta.properties"));
        }
      }
    }
  }

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  void stop(int id) {
    nodes[id].close();
    nodes[id] = null;
  }

  /**
   * Cuts the node off from the other nodes' Raft traffic (both ways) until {@link #healAll}; it
   * keeps running and clients can still reach it.
   */
  void cut(int id) {
    if (!cuttable) {
      throw new IllegalStateException("build the LocalCluster with cuttable() to cut nodes apart");
    }
    cuts.cut(id);
  }

  /** Ends every cut: the nodes' Raft traffic flows again. */
  void healAll() {
    cuts.healAll();
  }

  RunnelNode node(int id) {
    return nodes[id];
  }

  String bootstrap(int id) {
    return "127.0.0.1:" + grpcPorts[id];
  }

  /**
   * The integer values of a partition as stored on one node — a follower read of that node's
   * local, committed data.
   */
  List<Integer> readValues(int node, String topic, int partition) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", nodes[node].grpcPort()).usePlaintext().build();
    try {
      List<Integer> values = new ArrayList<>();
      long offset = nodes[node].describeLocal(topic, partition);
      while (true) {
        FetchResponse r =
            BrokerGrpc.newBlockingStub(channel)
                .fetch(
                    FetchRequest.newBuilder()
                        .setTopic(topic)
                        .setPartition(partition)
                        .setOffset(offset)
                        .setMaxBytes(4 << 20)
                        .build());
        if (r.getBatchesCount() == 0) {
          return values;
        }
        for (RecordBatch b : r.getBatchesList()) {
          for (Record rec : b.getRecords().getRecordsList()) {
            values.add(Integer.parseInt(rec.getValue().toStringUtf8()));
          }
          offset = b.getBaseOffset() + b.getRecordCount();
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  /** Waits until every node holds the same values for the partition, and returns them. */
  List<Integer> awaitReplicasEqual(String topic, int partition) {
    // Re-read every replica each time: any of them may be the one still catching up.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(
            () -> {
              List<Integer> first = readValues(1, topic, partition);
              for (int node = 2; node <= size; node++) {
                if (!first.equals(readValues(node, topic, partition))) {
                  return false;
                }
              }
              return true;
            });
    return readValues(1, topic, partition);
  }

  int size() {
    return size;
  }

  @Override
  public void close() {
    for (int id = 1; id <= size; id++) {
      if (nodes[id] != null) {
        nodes[id].close();
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
