package dev.runnel.cli;

import dev.runnel.node.NodeConfig;
import dev.runnel.node.NodeMain;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** An all-in-one single node with the default settings, for trying Runnel out. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Run a single all-in-one node in the foreground (data under ./data). Ctrl-C stops it.")
final class DevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    node.putInto(overrides);
    NodeConfig config = NodeConfig.of(overrides);
    NodeStartBanner.print(spec.commandLine().getOut(), "dev node", config);
    NodeMain.run(config);
    return 0;
  }
}
