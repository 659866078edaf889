package dev.runnel.node;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.proto.v1.InitProducerIdRequest;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/** Starts real nodes on loopback with free ports, for tests. */
final class TestNodes {
  private TestNodes() {}

  static Map<String, String> config(Path dataDir) {
    Map<String, String> config = new HashMap<>();
    config.put("data.dir", dataDir.toString());
    config.put("grpc.port", "0");
    config.put("raft.port", "0");
    config.put("http.port", "0");
    config.put("raft.election.timeout.min.ms", "300");
    config.put("raft.election.timeout.max.ms", "600");
    config.put("log.disk.free.min.bytes", "1048576");
    config.put("shutdown.grace.ms", "2000");
    // Heartbeats at the production rate (each is a controller commit, and the machine is
    // shared), and a session long enough that a loaded machine never makes a running node look
    // dead.
    config.put("node.heartbeat.interval.ms", "2000");
    config.put("node.session.timeout.ms", "10000");
    return config;
  }

  /**
   * Commits {@code count} controller entries through {@code node}'s broker API (one InitProducerId
   * each, named {@code producerName.apply(i)}), so the controller's Raft log grows, rolls and is
   * purged. The node may have been the controller leader of a stopped node: retriable errors are
   * retried until a new leader answers.
   */
  static void growControllerLog(LocalCluster cluster, int node, int count, IntFunction<String> producerName) {
    ManagedChannel channel = channel(cluster.node(node));
    try {
      var stub = BrokerGrpc.newBlockingStub(channel);
      for (int i = 0; i < count; i++) {
        InitProducerIdRequest request = InitProducerIdRequest.newBuilder().setProducerName(producerName.apply(i)).build();
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
            .until(() -> stub.initProducerId(request) != null);
      }
    } finally {
      channel.shutdownNow();
    }
  }

  static RunnelNode start(Path dataDir) throws Exception {
    return RunnelNode.start(NodeConfig.of(config(dataDir)));
  }

  static RunnelNode start(Map<String, String> config) throws Exception {
    return RunnelNode.start(NodeConfig.of(config));
  }

  /** A plaintext channel to the node's client port; the caller shuts it down. */
  static ManagedChannel channel(RunnelNode node) {
    return NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext().build();
  }

  /** Every batch of a partition as {@code node} serves it, from offset 0 to the end. */
  static List<RecordBatch> readBatches(RunnelNode node, String topic, int partition) {
    ManagedChannel channel = channel(node);
    try {
      List<RecordBatch> batches = new ArrayList<>();
      long offset = 0;
      while (true) {
        FetchResponse response =
            BrokerGrpc.newBlockingStub(channel)
                .fetch(FetchRequest.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset).build());
        if (response.getBatchesCount() == 0) {
          return batches;
        }
        for (RecordBatch batch : response.getBatchesList()) {
          batches.add(batch);
          offset = batch.getBaseOffset() + batch.getRecordCount();
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  /** The values of {@link #readBatches}, as UTF-8 strings. */
  static List<String> readValues(RunnelNode node, String topic, int partition) {
    List<String> values = new ArrayList<>();
    for (RecordBatch batch : readBatches(node, topic, partition)) {
      for (Record record : batch.getRecords().getRecordsList()) {
        values.add(record.getValue().toStringUtf8());
      }
    }
    return values;
  }

  /** A batch of one unkeyed record whose value is {@code valueBytes} zero bytes. */
  static RecordBatch zeroBatch(int valueBytes) {
    return RecordBatch.newBuilder()
        .setRecordCount(1)
        .setRecords(
            RecordSet.newBuilder()
                .addRecords(Record.newBuilder().setValue(ByteString.copyFrom(new byte[valueBytes]))))
        .build();
  }
}
