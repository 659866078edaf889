package dev.runnel.node;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a node in the foreground: {@code NodeMain [--config FILE] [key=value ...]}. SIGTERM (and
 * Ctrl-C) stop it gracefully. The {@code runnel node} and {@code runnel dev} commands use {@link
 * #run}; this entry point serves tests that start a node in a separate JVM.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    Path configFile = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        configFile = Path.of(args[++i]);
      } else if (args[i].contains("=")) {
        String[] kv = args[i].split("=", 2);
        overrides.put(kv[0], kv[1]);
      } else {
        System.err.println("usage: NodeMain [--config FILE] [key=value ...]");
        System.exit(2);
      }
    }
    NodeConfig config =
        configFile == null ? NodeConfig.of(overrides) : NodeConfig.load(configFile, overrides);
    run(config);
  }

  /** Starts the node, stops it on SIGTERM / Ctrl-C, and returns when it has stopped. */
  public static void run(NodeConfig config) throws Exception {
    RunnelNode node = RunnelNode.start(config);
    Thread hook = new Thread(node::close, "runnel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    node.awaitTermination();
  }
}
