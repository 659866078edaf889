package dev.runnel.cli;

import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "alter",
    mixinStandardHelpOptions = true,
    description = "Change a topic's configs at run time (e.g. retention.ms).")
final class TopicAlterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A config to set; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--delete-config", paramLabel = "KEY", description = "A config to return to its default; repeatable.")
  List<String> delete = new ArrayList<>();

  @Override
  public Integer call() {
    if (set.isEmpty() && delete.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "say what to change: --config KEY=VALUE or --delete-config KEY");
    }
    TopicDescription altered;
    try (Admin admin = client.admin()) {
      altered = admin.alterTopicConfigs(name, set, delete);
    }
    spec.commandLine().getOut().printf("altered topic %s; configs now:%n", altered.getName());
    new TreeMap<>(altered.getConfigsMap())
        .forEach((k, v) -> spec.commandLine().getOut().printf("  %s=%s%n", k, v));
    return 0;
  }
}
