package dev.runnel.loadtest;

import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.Codec;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.RunnelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Producer benchmark: sends {@code --records} records of {@code --record-size} bytes from {@code
 * --producers} threads (one {@link Producer} each) and reports throughput and send-to-ack latency.
 * Exits 1 if any send failed or the sends did not drain in time.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Measure produce throughput and send-to-ack latency.")
public final class ProducePerf implements Callable<Integer> {
  private static final int REQUEST_TIMEOUT_MS = 30_000;
  // After the send loop, acks may still be in flight; give them one request timeout to arrive.
  private static final long DRAIN_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS + 5_000);

  @Spec CommandSpec spec;

  @Mixin PerfTarget target;

  @Option(names = "--records", required = true, paramLabel = "N", description = "Records to send.")
  long records;

  @Option(
      names = "--record-size",
      required = true,
      paramLabel = "BYTES",
      description = "Value size of each record.")
  int recordSizeBytes;

  @Option(
      names = "--rate",
      defaultValue = "0",
      paramLabel = "RECORDS_PER_S",
      description =
          "Total send rate; latency is then measured from each record's intended send time."
              + " 0 = as fast as possible (default).")
  long ratePerSec;

  @Option(
      names = "--producers",
      defaultValue = "1",
      paramLabel = "P",
      description = "Producer threads, each with its own client (default: ${DEFAULT-VALUE}).")
  int producers;

  @Option(
      names = "--key-count",
      defaultValue = "0",
      paramLabel = "K",
      description = "Draw keys from K distinct keys; 0 = unkeyed (default).")
  int keyCount;

  @Option(
      names = "--acks",
      defaultValue = "quorum",
      paramLabel = "quorum|all|leader|none",
      converter = AcksConverter.class,
      description = "quorum (majority of replicas, default), all, leader or none.")
  Acks acks;

  @Option(
      names = "--compression",
      defaultValue = "none",
      paramLabel = "none|lz4|zstd",
      converter = CompressionConverter.class,
      description = "Producer compression (default: ${DEFAULT-VALUE}).")
  Codec compression;

  @Option(
      names = "--payload",
      defaultValue = "random",
      paramLabel = "random|json",
      description =
          "Record values: random bytes (incompressible, default) or JSON-like text cut to"
              + " --record-size, drawn from a pool of distinct values.")
  String payload;

  @Option(names = "--linger-ms", defaultValue = "5", paramLabel = "MS", description = "Producer linger (default: ${DEFAULT-VALUE}).")
  int lingerMs;

  @Option(
      names = "--batch-size",
      defaultValue = "262144",
      paramLabel = "BYTES",
      description = "Producer batch size (default: ${DEFAULT-VALUE}).")
  int batchSizeBytes;

  @Option(
      names = "--max-in-flight",
      defaultValue = "5",
      paramLabel = "N",
      description = "Batches per partition in flight at once, 1..5 (default: ${DEFAULT-VALUE}).")
  int maxInFlightPerPartition;

  @Option(
      names = "--duration-s",
      defaultValue = "300",
      paramLabel = "S",
      description = "Stop sending after this many seconds even if records remain (default: ${DEFAULT-VALUE}).")
  int durationSMax;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      paramLabel = "P",
      description = "Partitions if the topic has to be created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() throws Exception {
    validate();
    TopicSetup.ensureTopic(target.bootstrap, target.topic, partitions);
    SendTally tally = new SendTally();
    LatencyRecorder latency = new LatencyRecorder();
    List<Producer> clients = new ArrayList<>(producers);
    List<Thread> threads = new ArrayList<>(producers);
    long startNs = System.nanoTime();
    long deadlineNs = startNs + TimeUnit.SECONDS.toNanos(durationSMax);
    try {
      byte[][] keys = keys(keyCount);
      byte[][] values =
          payload.equals("json") ? JsonLikeValues.pool(recordSizeBytes) : new byte[][] {randomValue(recordSizeBytes)};
      for (int i = 0; i < producers; i++) {
        Producer producer = newProducer();
        clients.add(producer);
        long share = records / producers + (i < records % producers ? 1 : 0);
        ProducerWorker worker =
            new ProducerWorker(
                producer, target.topic, share, (double) ratePerSec / producers, keys, values,
                startNs, deadlineNs, tally, latency, i);
        Thread thread = new Thread(worker, "perf-producer-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
      long drainDeadlineNs = deadlineNs + DRAIN_GRACE_NS;
      boolean drained = joinAll(threads, drainDeadlineNs) && tally.awaitSettled(drainDeadlineNs);
      long endNs = tally.lastAckNs() == 0 ? System.nanoTime() : tally.lastAckNs();
      PerfResult result =
          new PerfResult(
              "produce", target.topic, tally.acked(), tally.failed(),
              tally.acked() * recordSizeBytes, endNs - startNs, latency.summary());
      report(result);
      return verdict(tally, drained);
    } finally {
      // Closing flushes; a worker still running after the drain grace would make that wait
      // unbounded, so such producers are left to the daemon threads and the process exit.
      if (threads.stream().noneMatch(Thread::isAlive)) {
        clients.forEach(Producer::close);
      }
    }
  }

  private void validate() {
    OptionBounds.check(spec, "--records", records, 1, Long.MAX_VALUE);
    OptionBounds.check(spec, "--record-size", recordSizeBytes, 0, 16 << 20);
    OptionBounds.check(spec, "--rate", ratePerSec, 0, 100_000_000);
    OptionBounds.check(spec, "--producers", producers, 1, 256);
    OptionBounds.check(spec, "--key-count", keyCount, 0, 10_000_000);
    OptionBounds.check(spec, "--max-in-flight", maxInFlightPerPartition, 1, 5);
    OptionBounds.check(spec, "--duration-s", durationSMax, 1, 86_400);
    OptionBounds.check(spec, "--partitions", partitions, 1, 100_000);
    if (!payload.equals("random") && !payload.equals("json")) {
      throw new ParameterException(spec.commandLine(), "--payload must be random or json, got '" + payload + "'");
    }
  }

  private Producer newProducer() {
    return Producer.builder()
        .bootstrap(target.bootstrap)
        .lingerMs(lingerMs)
        .acks(acks)
        .compression(compression)
        .batchSizeBytes(batchSizeBytes)
        .maxInFlightPerPartition(maxInFlightPerPartition)
        .requestTimeoutMs(REQUEST_TIMEOUT_MS)
        .build();
  }

  private static boolean joinAll(List<Thread> threads, long untilNs) throws InterruptedException {
    for (Thread thread : threads) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(untilNs - System.nanoTime());
      if (leftMs > 0) {
        thread.join(leftMs);
      }
      if (thread.isAlive()) {
        return false;
      }
    }
    return true;
  }

  private void report(PerfResult result) throws IOException {
    result.print(spec.commandLine().getOut());
    if (target.jsonFile != null) {
      result.writeJson(target.jsonFile);
    }
  }

  private int verdict(SendTally tally, boolean drained) {
    PrintWriter err = spec.commandLine().getErr();
    if (!drained) {
      err.printf("error: %d sends were still unacknowledged when the run timed out%n",
          tally.sent() - tally.acked() - tally.failed());
      return 1;
    }
    if (tally.failed() > 0) {
      err.printf("error: %d of %d sends failed; first: %s%n",
          tally.failed(), tally.sent(), RunnelException.from(tally.firstError()).getMessage());
      return 1;
    }
    return 0;
  }

  private static byte[][] keys(int keyCount) {
    byte[][] keys = new byte[keyCount][];
    for (int k = 0; k < keyCount; k++) {
      keys[k] = ("key-" + k).getBytes(StandardCharsets.UTF_8);
    }
    return keys;
  }

  /** Random bytes, so compression (when enabled) cannot make the numbers look better than real data. */
  private static byte[] randomValue(int sizeBytes) {
    byte[] value = new byte[sizeBytes];
    new SplittableRandom(42).nextBytes(value);
    return value;
  }
}
