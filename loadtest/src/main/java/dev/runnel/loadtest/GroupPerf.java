package dev.runnel.loadtest;

import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Consumer group benchmark. Rebalance: {@code --members - 1} members share the topic's
 * partitions; then, per round, one more member joins (timed until every member holds its balanced
 * share) and leaves again (timed until the others hold every partition). Commit throughput:
 * one member, then every member at once, commit all their partitions' offsets back to back for
 * {@code --commit-seconds}.
 */
@Command(
    name = "group",
    mixinStandardHelpOptions = true,
    description = "Measure consumer group rebalance time (a member joining / leaving) and commit throughput.")
public final class GroupPerf implements Callable<Integer> {
  private static final long CHECK_NS = TimeUnit.MILLISECONDS.toNanos(1);

  @Spec CommandSpec spec;

  @Mixin PerfTarget target;

  @Option(names = "--members", defaultValue = "10", paramLabel = "N", description = "Members with the joining one (default: ${DEFAULT-VALUE}).")
  int members;

  @Option(names = "--partitions", defaultValue = "100", paramLabel = "P", description = "Partitions of the topic if it is created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--rounds", defaultValue = "5", paramLabel = "R", description = "Join + leave rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--commit-seconds", defaultValue = "10", paramLabel = "S", description = "Length of each commit phase; 0 skips them (default: ${DEFAULT-VALUE}).")
  int commitSeconds;

  @Option(names = "--timeout-s", defaultValue = "120", paramLabel = "S", description = "Give up on one rebalance after this long (default: ${DEFAULT-VALUE}).")
  int timeoutS;

  @Override
  public Integer call() throws Exception {
    OptionBounds.check(spec, "--members", members, 2, 1_000);
    OptionBounds.check(spec, "--partitions", partitions, 1, 100_000);
    OptionBounds.check(spec, "--rounds", rounds, 1, 1_000);
    OptionBounds.check(spec, "--commit-seconds", commitSeconds, 0, 3_600);
    OptionBounds.check(spec, "--timeout-s", timeoutS, 1, 86_400);
    TopicSetup.ensureTopic(target.bootstrap, target.topic, partitions);
    int topicPartitions = partitionCount();
    String group = "perf-group-" + UUID.randomUUID();
    PrintWriter out = spec.commandLine().getOut();
    List<Double> joinMs = new ArrayList<>();
    List<Double> leaveMs = new ArrayList<>();
    List<GroupMember> stable = new ArrayList<>();
    try {
      for (int i = 0; i < members - 1; i++) {
        stable.add(member(group, i));
      }
      await(() -> balanced(stable, topicPartitions), "the first " + stable.size() + " members to settle");
      for (int round = 0; round < rounds; round++) {
        List<GroupMember> all = new ArrayList<>(stable);
        long startNs = System.nanoTime();
        GroupMember joining = member(group, members - 1);
        all.add(joining);
        await(() -> balanced(all, topicPartitions), "a joining member's rebalance");
        joinMs.add((System.nanoTime() - startNs) / 1e6);
        startNs = System.nanoTime();
        joining.close();
        await(() -> balanced(stable, topicPartitions), "a leaving member's rebalance");
        leaveMs.add((System.nanoTime() - startNs) / 1e6);
      }
      out.printf(Locale.ROOT, "group rebalance, %d members over %d partitions, %d rounds:%n", members, topicPartitions, rounds);
      out.printf(Locale.ROOT, "  member joins: median %.1f ms, max %.1f ms%n", median(joinMs), max(joinMs));
      out.printf(Locale.ROOT, "  member leaves: median %.1f ms, max %.1f ms%n", median(leaveMs), max(leaveMs));
      double[] one = {0, 0};
      double[] many = {0, 0};
      if (commitSeconds > 0) {
        one = commitPhase(stable.subList(0, 1));
        many = commitPhase(stable);
        out.printf(Locale.ROOT, "commits, 1 member: %.0f commits/s (%.0f partition offsets/s)%n", one[0], one[1]);
        out.printf(
            Locale.ROOT, "commits, %d members at once: %.0f commits/s (%.0f partition offsets/s)%n",
            stable.size(), many[0], many[1]);
      }
      out.flush();
      if (target.jsonFile != null) {
        Files.writeString(
            target.jsonFile,
            String.format(
                Locale.ROOT,
                "{\"kind\":\"group\",\"topic\":\"%s\",\"members\":%d,\"partitions\":%d,\"rounds\":%d,"
                    + "\"joinMsMedian\":%.3f,\"joinMsMax\":%.3f,\"leaveMsMedian\":%.3f,\"leaveMsMax\":%.3f,"
                    + "\"commitsPerSecOneMember\":%.1f,\"commitsPerSecAllMembers\":%.1f}%n",
                target.topic, members, topicPartitions, rounds, median(joinMs), max(joinMs), median(leaveMs),
                max(leaveMs), one[0], many[0]));
      }
      return 0;
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    } finally {
      for (GroupMember m : stable) {
        m.close();
      }
    }
  }

  private GroupMember member(String group, int index) {
    GroupConsumer consumer =
        GroupConsumer.builder()
            .bootstrap(target.bootstrap)
            .groupId(group)
            .clientId("perf-" + index)
            .autoCommit(false)
            .autoOffsetReset(Consumer.OffsetReset.LATEST)
            .build();
    return new GroupMember(consumer, target.topic, "perf-member-" + index);
  }

  /** {commits/s, partition offsets/s} of {@code committers} committing back to back. */
  private double[] commitPhase(List<GroupMember> committers) {
    long commitsBefore = committers.stream().mapToLong(GroupMember::commits).sum();
    long offsetsBefore = committers.stream().mapToLong(GroupMember::offsetsCommitted).sum();
    long startNs = System.nanoTime();
    committers.forEach(m -> m.committing(true));
    long endNs = startNs + TimeUnit.SECONDS.toNanos(commitSeconds);
    for (long leftNs = endNs - System.nanoTime(); leftNs > 0; leftNs = endNs - System.nanoTime()) {
      LockSupport.parkNanos(leftNs);
    }
    committers.forEach(m -> m.committing(false));
    double seconds = (System.nanoTime() - startNs) / 1e9;
    checkFailures(committers);
    long commits = committers.stream().mapToLong(GroupMember::commits).sum() - commitsBefore;
    long offsets = committers.stream().mapToLong(GroupMember::offsetsCommitted).sum() - offsetsBefore;
    return new double[] {commits / seconds, offsets / seconds};
  }

  private int partitionCount() {
    try (dev.runnel.sdk.Admin admin = dev.runnel.sdk.Admin.create(target.bootstrap)) {
      return admin.describeTopic(target.topic).getPartitionsCount();
    }
  }

  /** Every partition held, and no member holds two more than another. */
  private static boolean balanced(List<GroupMember> group, int partitionCount) {
    checkFailures(group);
    int sum = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (GroupMember m : group) {
      int held = m.held();
      sum += held;
      min = Math.min(min, held);
      max = Math.max(max, held);
    }
    return sum == partitionCount && max - min <= 1;
  }

  private static void checkFailures(List<GroupMember> group) {
    for (GroupMember m : group) {
      if (m.failure() != null) {
        throw new IllegalStateException("a member failed: " + m.failure().getMessage());
      }
    }
  }

  private void await(BooleanSupplier done, String what) {
    long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadlineNs) {
        throw new IllegalStateException("timed out after " + timeoutS + " s waiting for " + what);
      }
      LockSupport.parkNanos(CHECK_NS);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }
}
