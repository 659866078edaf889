package dev.runnel.loadtest;

import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Consumer benchmark: reads {@code --records} records from the beginning of every partition of the
 * topic and reports throughput and end-to-end latency (read time minus the record's timestamp,
 * which the producer sets when it sends). Exits 1 if fewer records arrive before {@code
 * --timeout-s}.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = "Measure consume throughput and end-to-end latency, reading from the beginning.")
public final class ConsumePerf implements Callable<Integer> {
  private static final Duration POLL_MAX = Duration.ofMillis(500);
  private static final int MAX_POLL_RECORDS = 10_000;

  @Spec CommandSpec spec;

  @Mixin PerfTarget target;

  @Option(names = "--records", required = true, paramLabel = "N", description = "Records to read.")
  long records;

  @Option(
      names = "--timeout-s",
      defaultValue = "60",
      paramLabel = "S",
      description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutS;

  @Override
  public Integer call() throws IOException {
    OptionBounds.check(spec, "--records", records, 1, Long.MAX_VALUE);
    OptionBounds.check(spec, "--timeout-s", timeoutS, 1, 86_400);
    LatencyRecorder latency = new LatencyRecorder();
    long read = 0;
    long bytes = 0;
    long startNs = System.nanoTime();
    long deadlineNs = startNs + TimeUnit.SECONDS.toNanos(timeoutS);
    long lastRecordNs = startNs;
    try (Consumer consumer =
        Consumer.builder()
            .bootstrap(target.bootstrap)
            .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
            .maxPollRecords(MAX_POLL_RECORDS)
            .build()) {
      consumer.subscribe(target.topic);
      consumer.seekToBeginning(consumer.assignment());
      long nowNs;
      while (read < records && (nowNs = System.nanoTime()) < deadlineNs) {
        Duration wait = Duration.ofNanos(Math.min(POLL_MAX.toNanos(), deadlineNs - nowNs));
        List<ConsumerRecord> batch = consumer.poll(wait);
        long nowMs = System.currentTimeMillis();
        for (ConsumerRecord record : batch) {
          latency.recordMs(nowMs - record.timestampMs());
          bytes += record.value() == null ? 0 : record.value().length;
        }
        if (!batch.isEmpty()) {
          read += batch.size();
          lastRecordNs = System.nanoTime();
        }
      }
    }
    PerfResult result =
        new PerfResult("consume", target.topic, read, 0, bytes, lastRecordNs - startNs, latency.summary());
    result.print(spec.commandLine().getOut());
    if (target.jsonFile != null) {
      result.writeJson(target.jsonFile);
    }
    if (read < records) {
      spec.commandLine().getErr().printf("error: read %d of %d records within %d s%n", read, records, timeoutS);
      return 1;
    }
    return 0;
  }
}
