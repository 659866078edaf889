package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.TopicPartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints records of a topic, one per line. Runs until Ctrl-C unless {@code --max-messages} or
 * {@code --timeout-ms} bounds it. With {@code --group} it joins the consumer group (the group's
 * coordinator assigns it partitions, shared with the group's other members) and commits, after
 * each poll, the offsets of exactly the records it printed, so the next run with that group
 * continues after them. With {@code --group} and {@code --partition} it reads that partition
 * itself and commits without joining (refused while the group has members).
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = "Print records of TOPIC, one per line.")
final class ConsumeCommand implements Callable<Integer> {
  private static final long POLL_MAX_MS = 500;

  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TOPIC")
  String topic;

  @Option(
      names = "--from-beginning",
      description = "Start at the oldest record when there is no committed offset (default: only new records).")
  boolean fromBeginning;

  @Option(names = "--partition", paramLabel = "N", description = "Read only partition N.")
  Integer partition;

  @Option(names = "--offset", paramLabel = "O", description = "Start at offset O (needs --partition).")
  Long offset;

  @Option(
      names = "--group",
      paramLabel = "G",
      description = "Join consumer group G: share the partitions with its other members, start at and commit its offsets.")
  String group;

  @Option(names = "--max-messages", paramLabel = "N", description = "Exit after printing N records.")
  Long maxMessages;

  @Option(names = "--timeout-ms", paramLabel = "T", description = "Exit after T ms without a new record.")
  Long idleTimeoutMs;

  @Option(names = "--print-key", description = "Prefix each value with its key and a tab.")
  boolean printKey;

  @Option(names = "--print-offset", description = "Prefix each record with p<partition>@<offset> and a tab.")
  boolean printOffset;

  @Override
  public Integer call() {
    validate();
    RecordPrinter printer = new RecordPrinter(spec.commandLine().getOut(), printOffset, printKey);
    if (group != null && partition == null) {
      return consumeAsGroupMember(printer);
    }
    Consumer.Builder builder =
        client.consumer().autoOffsetReset(fromBeginning ? Consumer.OffsetReset.EARLIEST : Consumer.OffsetReset.LATEST);
    if (group != null) {
      builder.groupId(group);
    }
    try (Consumer consumer = builder.build()) {
      assign(consumer);
      printUntilDone(consumer::poll, group == null ? null : consumer::commitSync, printer);
    }
    return 0;
  }

  private int consumeAsGroupMember(RecordPrinter printer) {
    try (Admin admin = client.admin()) {
      // A group waits for a missing topic to be created; on the command line a typo should not.
      admin.describeTopic(topic);
    }
    try (GroupConsumer consumer =
        client
            .groupConsumer()
            .groupId(group)
            // Commits below cover exactly the records printed (--max-messages may stop mid-poll).
            .autoCommit(false)
            .autoOffsetReset(fromBeginning ? Consumer.OffsetReset.EARLIEST : Consumer.OffsetReset.LATEST)
            .build()) {
      consumer.subscribe(List.of(topic));
      printUntilDone(consumer::poll, consumer::commitSync, printer);
    }
    return 0;
  }

  private void validate() {
    CommandLine cmd = spec.commandLine();
    if (offset != null && partition == null) {
      throw new CommandLine.ParameterException(cmd, "--offset needs --partition");
    }
    if (partition != null && partition < 0) {
      throw new CommandLine.ParameterException(cmd, "--partition must be >= 0, got " + partition);
    }
    if (offset != null && offset < 0) {
      throw new CommandLine.ParameterException(cmd, "--offset must be >= 0, got " + offset);
    }
    if (maxMessages != null && maxMessages < 1) {
      throw new CommandLine.ParameterException(cmd, "--max-messages must be >= 1, got " + maxMessages);
    }
    if (idleTimeoutMs != null && idleTimeoutMs < 1) {
      throw new CommandLine.ParameterException(cmd, "--timeout-ms must be >= 1, got " + idleTimeoutMs);
    }
  }

  private void assign(Consumer consumer) {
    if (partition == null) {
      consumer.subscribe(topic);
      return;
    }
    TopicPartition tp = new TopicPartition(topic, partition);
    consumer.assign(List.of(tp));
    if (offset != null) {
      consumer.seek(tp, offset);
    }
  }

  /** {@code commit} is null without a group. */
  private void printUntilDone(
      Function<Duration, List<ConsumerRecord>> poll,
      java.util.function.Consumer<Map<TopicPartition, Long>> commit,
      RecordPrinter printer) {
    long printed = 0;
    long lastRecordMs = System.currentTimeMillis();
    while (maxMessages == null || printed < maxMessages) {
      long nowMs = System.currentTimeMillis();
      long pollMs = POLL_MAX_MS;
      if (idleTimeoutMs != null) {
        long idleLeftMs = lastRecordMs + idleTimeoutMs - nowMs;
        if (idleLeftMs <= 0) {
          return;
        }
        pollMs = Math.min(pollMs, idleLeftMs);
      }
      List<ConsumerRecord> records = poll.apply(Duration.ofMillis(pollMs));
      Map<TopicPartition, Long> nextOffsets = new HashMap<>();
      for (ConsumerRecord record : records) {
        if (maxMessages != null && printed == maxMessages) {
          break;
        }
        printer.print(record);
        printed++;
        nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
      }
      printer.flush();
      if (!records.isEmpty()) {
        lastRecordMs = System.currentTimeMillis();
      }
      if (commit != null && !nextOffsets.isEmpty()) {
        commit.accept(nextOffsets);
      }
    }
  }
}
