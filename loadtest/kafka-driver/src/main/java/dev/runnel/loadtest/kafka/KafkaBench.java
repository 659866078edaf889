package dev.runnel.loadtest.kafka;

import dev.runnel.loadtest.bench.RunCommand;
import picocli.CommandLine;

/**
 * {@code KafkaBench WORKLOAD.yaml --bootstrap HOST:PORT [--json F] [--tsv F] [--label L]}: runs a
 * Runnel workload file against Apache Kafka (what {@code runnel perf run} does against Runnel).
 */
public final class KafkaBench {
  private KafkaBench() {}

  public static void main(String[] args) {
    CommandLine command =
        new CommandLine(new RunCommand(KafkaDriver::new))
            .setCommandName("kafka-bench")
            .setExecutionExceptionHandler(
                (error, cmd, parsed) -> {
                  cmd.getErr().println("kafka-bench: " + error.getClass().getSimpleName() + ": " + error.getMessage());
                  return 1;
                });
    System.exit(command.execute(args));
  }
}
