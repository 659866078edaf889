package dev.runnel.node;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
    return config;
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
