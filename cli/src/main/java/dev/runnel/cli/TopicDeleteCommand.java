package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and its data.")
final class TopicDeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    try (Admin admin = client.admin()) {
      admin.deleteTopic(name);
    }
    spec.commandLine().getOut().printf("deleted topic %s%n", name);
    return 0;
  }
}
