package dev.runnel.loadtest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code perf compare RESULTS.tsv...}: medians per workload and system, with Runnel's ratios. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Summarise the --tsv output of many perf run invocations as one Markdown table.")
public final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "RESULTS.tsv", description = "Files written with perf run --tsv.")
  List<Path> files;

  @Override
  public Integer call() throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path file : files) {
      try {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), file + ": no such file");
      }
    }
    String table;
    try {
      table = CompareTable.render(lines);
    } catch (WorkloadException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    spec.commandLine().getOut().print(table);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
