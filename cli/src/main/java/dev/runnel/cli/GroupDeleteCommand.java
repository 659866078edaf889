package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete a group's committed offsets. The group must have no members (stop its consumers first).")
final class GroupDeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "GROUP")
  String group;

  @Override
  public Integer call() {
    int deleted;
    try (Admin admin = client.admin()) {
      deleted = admin.deleteGroup(group);
    }
    spec.commandLine().getOut().printf("deleted group %s (%d committed offset%s)%n", group, deleted, deleted == 1 ? "" : "s");
    return 0;
  }
}
