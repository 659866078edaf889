package dev.runnel.node;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A node in its own JVM (this test classpath), for tests that kill it or limit its heap. */
final class NodeProcess {
  private NodeProcess() {}

  /**
   * Starts a node on {@code dataDir} with the test defaults plus {@code overrides}; its output
   * goes to a log file next to the data directory.
   */
  static Process start(Path dataDir, int grpcPort, int raftPort, String maxHeap, Map<String, String> overrides)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx" + maxHeap,
                "--add-opens",
                "java.base/java.nio=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=warn",
                "-cp",
                System.getProperty("java.class.path"),
                NodeMain.class.getName()));
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("grpc.port", Integer.toString(grpcPort));
    config.put("raft.port", Integer.toString(raftPort));
    config.putAll(overrides);
    config.forEach((k, v) -> command.add(k + "=" + v));
    File log = dataDir.resolveSibling(dataDir.getFileName() + "-node.log").toFile();
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .start();
  }

  /** Up = the gRPC health service says SERVING, which the node says once its partitions are led. */
  static void awaitUp(String bootstrap) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> serving(bootstrap));
  }

  static boolean serving(String bootstrap) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(bootstrap).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance())
              .getStatus()
          == HealthCheckResponse.ServingStatus.SERVING;
    } finally {
      channel.shutdownNow();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
