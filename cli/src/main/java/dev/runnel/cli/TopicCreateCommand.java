package dev.runnel.cli;

import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
final class TopicCreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "Topic name: 1-249 of [a-zA-Z0-9._-].")
  String name;

  @Option(names = "--partitions", required = true, paramLabel = "P", description = "Number of partitions.")
  int partitions;

  @Option(
      names = "--replication-factor",
      defaultValue = "0",
      paramLabel = "R",
      description = "Replicas per partition; 0 = the cluster default (default).")
  int replicationFactor;

  @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A topic config; repeatable.")
  Map<String, String> configs = new LinkedHashMap<>();

  @Override
  public Integer call() {
    try (Admin admin = client.admin()) {
      TopicDescription created = admin.createTopic(name, partitions, replicationFactor, configs);
      spec.commandLine().getOut().printf(
          "created topic %s with %d partitions, replication factor %d%n",
          created.getName(), created.getPartitionsCount(), created.getReplicationFactor());
    }
    return 0;
  }
}
