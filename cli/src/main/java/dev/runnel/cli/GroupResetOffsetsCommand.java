package dev.runnel.cli;

import dev.runnel.proto.v1.OffsetReset;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.ResetTo;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "reset-offsets",
    mixinStandardHelpOptions = true,
    description = {
      "Set a group's committed offsets for a topic. The group must have no members (stop its consumers"
          + " first). Prints, per partition, the committed offset before and after.",
      "Example: runnel group reset-offsets billing --topic orders:0,2 --to-datetime 2026-11-27T08:00:00Z --dry-run"
    })
final class GroupResetOffsetsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "GROUP")
  String group;

  @Option(
      names = "--topic",
      required = true,
      paramLabel = "TOPIC[:P,P...]",
      description = "The topic, optionally with the partitions to reset (default: all), e.g. orders:0,2.")
  String topicSpec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--dry-run", description = "Show what would change; commit nothing.")
  boolean dryRun;

  /** Exactly one of these says where to go. */
  static final class Target {
    @Option(names = "--to-earliest", required = true, description = "The first offset still stored.")
    boolean earliest;

    @Option(names = "--to-latest", required = true, description = "The end: skip everything written so far.")
    boolean latest;

    @Option(
        names = "--to-offset",
        required = true,
        paramLabel = "N",
        description = "An absolute offset (moved into the partition's stored range when outside it).")
    Long offset;

    @Option(
        names = "--to-datetime",
        required = true,
        paramLabel = "ISO",
        description =
            "The first record written at or after this time: 2026-11-27T08:00:00Z, 2026-11-27T09:00:00+01:00,"
                + " or without zone (this machine's) 2026-11-27T08:00:00 / 2026-11-27.")
    String datetime;
  }

  @Override
  public Integer call() {
    TopicSelection selection = parseTopic(topicSpec);
    ResetTo to = resetTo();
    List<OffsetReset> resets;
    try (Admin admin = client.admin()) {
      resets = admin.resetOffsets(group, selection.topic(), selection.partitions(), to, dryRun);
    }
    PrintWriter out = spec.commandLine().getOut();
    TextTable table = new TextTable("TOPIC", "PARTITION", "PREVIOUS", "NEW");
    for (OffsetReset r : resets) {
      table.row(r.getTopic(), r.getPartition(), r.getPreviousOffset() < 0 ? "-" : r.getPreviousOffset(), r.getNewOffset());
    }
    table.print(out);
    if (dryRun) {
      out.printf("dry run: nothing was committed (run again without --dry-run to reset to %s)%n", to);
    } else {
      out.printf("reset %d partition%s of group %s to %s%n", resets.size(), resets.size() == 1 ? "" : "s", group, to);
    }
    return 0;
  }

  private ResetTo resetTo() {
    if (target.earliest) {
      return ResetTo.earliest();
    }
    if (target.latest) {
      return ResetTo.latest();
    }
    if (target.offset != null) {
      if (target.offset < 0) {
        throw new ParameterException(spec.commandLine(), "--to-offset must be >= 0, got " + target.offset);
      }
      return ResetTo.offset(target.offset);
    }
    try {
      return ResetTo.time(parseTime(target.datetime, ZoneId.systemDefault()));
    } catch (DateTimeException | IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--to-datetime '" + target.datetime + "' is not an ISO date-time (e.g. 2026-11-27T08:00:00Z)");
    }
  }

  record TopicSelection(String topic, List<Integer> partitions) {}

  /** "orders" → all partitions; "orders:0,2" → partitions 0 and 2. */
  TopicSelection parseTopic(String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      return new TopicSelection(value, List.of());
    }
    List<Integer> partitions = new ArrayList<>();
    try {
      for (String p : value.substring(colon + 1).split(",", -1)) {
        partitions.add(Integer.parseInt(p.strip()));
      }
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(), "--topic '" + value + "': expected TOPIC or TOPIC:P,P (partition numbers)");
    }
    return new TopicSelection(value.substring(0, colon), partitions);
  }

  /** An ISO instant or offset date-time, or a local date-time / date in {@code zone}. */
  static Instant parseTime(String text, ZoneId zone) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException notWithOffset) {
      try {
        return LocalDateTime.parse(text).atZone(zone).toInstant();
      } catch (DateTimeException notLocal) {
        return LocalDate.parse(text).atStartOfDay(zone).toInstant();
      }
    }
  }
}
