package dev.runnel.cli;

import dev.runnel.node.NodeConfig;
import java.io.PrintWriter;

/** The line a starting node prints so the user knows where its data goes and how to reach it. */
final class NodeStartBanner {
  private NodeStartBanner() {}

  static void print(PrintWriter out, String what, NodeConfig config) {
    out.printf(
        "runnel %s %s: data in %s, bootstrap %s:%s%n",
        what,
        config.string("node.id"),
        config.dataDir().toAbsolutePath().normalize(),
        config.string("host"),
        config.string("grpc.port"));
    out.flush();
  }
}
