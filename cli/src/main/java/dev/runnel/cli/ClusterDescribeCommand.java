package dev.runnel.cli;

import dev.runnel.proto.v1.DescribeClusterResponse;
import dev.runnel.proto.v1.NodeStatus;
import dev.runnel.sdk.Admin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Show the nodes: address, reachability, replicas and leaders; and the controller leader.")
final class ClusterDescribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    DescribeClusterResponse cluster;
    try (Admin admin = client.admin()) {
      cluster = admin.describeCluster();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "cluster %s, %d node(s), controller leader: %s%n",
        cluster.getClusterId(),
        cluster.getNodesCount(),
        cluster.getControllerId() < 0 ? "none" : "node " + cluster.getControllerId());
    TextTable table =
        new TextTable("NODE", "ADDRESS", "RACK", "ALIVE", "REPLICAS", "PREFERRED LEADERS", "LEADERS");
    for (NodeStatus n : cluster.getNodesList()) {
      table.row(
          n.getId(),
          n.getHost() + ":" + n.getPort(),
          n.getRack().isEmpty() ? "-" : n.getRack(),
          n.getAlive() ? "yes" : "NO",
          n.getReplicas(),
          n.getPreferredLeaders(),
          n.getAlive() ? Integer.toString(n.getLeaders()) : "-");
    }
    table.print(out);
    return 0;
  }
}
