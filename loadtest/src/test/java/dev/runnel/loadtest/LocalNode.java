package dev.runnel.loadtest;

import dev.runnel.node.NodeConfig;
import dev.runnel.node.RunnelNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A single real node on loopback for end-to-end tests: free ports, short election timeouts so it
 * leads its partitions quickly, and a small free-disk floor so it runs on a nearly full CI disk.
 */
public final class LocalNode implements AutoCloseable {
  private final RunnelNode node;

  private LocalNode(RunnelNode node) {
    this.node = node;
  }

  public static LocalNode start(Path dataDir) throws IOException {
    return new LocalNode(
        RunnelNode.start(
            NodeConfig.of(
                Map.of(
                    "data.dir", dataDir.toString(),
                    "grpc.port", "0",
                    "raft.port", "0",
                    "http.port", "0",
                    "raft.election.timeout.min.ms", "300",
                    "raft.election.timeout.max.ms", "600",
                    "log.disk.free.min.bytes", "1048576"))));
  }

  public String bootstrap() {
    return "127.0.0.1:" + node.grpcPort();
  }

  @Override
  public void close() {
    node.close();
  }
}
