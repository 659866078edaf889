package dev.runnel.node;

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
}
