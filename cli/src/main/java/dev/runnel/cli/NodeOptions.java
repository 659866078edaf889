package dev.runnel.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The node settings common enough to have their own flags; they win over file and --set. */
final class NodeOptions {
  @Option(names = "--data", paramLabel = "DIR", description = "Data directory (config key data.dir).")
  Path dataDir;

  @Option(names = "--port", paramLabel = "N", description = "Client gRPC port (grpc.port).")
  Integer grpcPort;

  @Option(names = "--http-port", paramLabel = "N", description = "HTTP admin port (http.port).")
  Integer httpPort;

  @Option(names = "--raft-port", paramLabel = "N", description = "Raft port between nodes (raft.port).")
  Integer raftPort;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key (see docs/operations.md); repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** Puts --set and then the flags that were given into {@code overrides}, as node config keys. */
  void putInto(Map<String, String> overrides) {
    overrides.putAll(settings);
    if (dataDir != null) {
      overrides.put("data.dir", dataDir.toString());
    }
    putIfSet(overrides, "grpc.port", grpcPort);
    putIfSet(overrides, "http.port", httpPort);
    putIfSet(overrides, "raft.port", raftPort);
  }

  private static void putIfSet(Map<String, String> overrides, String key, Integer value) {
    if (value != null) {
      overrides.put(key, value.toString());
    }
  }
}
