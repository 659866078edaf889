package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List consumer groups.")
final class GroupListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    TextTable table = new TextTable("GROUP", "STATE", "MEMBERS");
    try (Admin admin = client.admin()) {
      admin.listGroups().forEach(g -> table.row(g.getGroup(), GroupDescribeCommand.state(g.getState()), g.getMembers()));
    }
    table.print(spec.commandLine().getOut());
    return 0;
  }
}
