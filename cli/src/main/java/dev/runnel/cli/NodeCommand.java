package dev.runnel.cli;

import dev.runnel.node.NodeConfig;
import dev.runnel.node.NodeMain;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A node as operators run it: settings from a properties file, then {@code --set} overrides, then
 * the dedicated flags. Runs in the foreground; SIGTERM stops it gracefully.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Run a node in the foreground from a config file. SIGTERM or Ctrl-C stops it.",
    subcommands = {NodeDecommissionCommand.class})
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Checked in call(), not by picocli: `node decommission` does not need it.
  @Option(names = "--config", paramLabel = "FILE", description = "Node properties file (required).")
  Path configFile;

  @Mixin NodeOptions node;

  @Override
  public Integer call() throws Exception {
    if (configFile == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    node.putInto(overrides);
    NodeConfig config = load(overrides);
    NodeStartBanner.print(spec.commandLine().getOut(), "node", config);
    NodeMain.run(config);
    return 0;
  }

  private NodeConfig load(Map<String, String> overrides) {
    try {
      return NodeConfig.load(configFile, overrides);
    } catch (NoSuchFileException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "config file " + configFile + " does not exist");
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "cannot read config file " + configFile + ": " + ErrorReporter.messageOf(e));
    }
  }
}
