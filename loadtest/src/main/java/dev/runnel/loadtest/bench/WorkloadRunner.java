package dev.runnel.loadtest.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one workload against one system through its {@link BenchDriver}. */
public final class WorkloadRunner {
  // E2E: after the last send, consumers get this long to read what was acknowledged.
  private static final long E2E_DRAIN_NS = TimeUnit.SECONDS.toNanos(30);

  private final BenchDriver driver;
  private final PrintWriter progress;

  public WorkloadRunner(BenchDriver driver, PrintWriter progress) {
    this.driver = driver;
    this.progress = progress;
  }

  public RunReport run(Workload workload, String label, String runId) throws InterruptedException {
    String topic = workload.topicFor(runId);
    String loadBefore = LoadAverage.read();
    driver.createTopic(topic, workload.partitions(), workload.replicationFactor());
    List<PhaseResult> phases = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    switch (workload.mode()) {
      case PRODUCE:
        phases.add(produce(workload, topic, errors));
        break;
      case CONSUME:
        consume(workload, topic, phases, errors);
        break;
      case E2E:
        e2e(workload, topic, phases, errors);
        break;
      default:
        throw new IllegalStateException("unhandled mode " + workload.mode());
    }
    return new RunReport(workload, driver.system(), label, topic, runId, loadBefore, LoadAverage.read(), phases, errors);
  }

  private PhaseResult produce(Workload workload, String topic, List<String> errors) throws InterruptedException {
    long startNs = System.nanoTime();
    long windowNs = startNs + workload.warmupNs();
    ProducePhase producers =
        new ProducePhase(driver, workload, topic, workload.recordsMax(), startNs, windowNs, windowNs + workload.durationNs(), false);
    progress.printf("%s: producing to %s for up to %d s (warm-up %d s)%n", driver.system(), topic,
        workload.durationS() + workload.warmupS(), workload.warmupS());
    progress.flush();
    try {
      producers.start();
      finish(producers, errors);
      PhaseResult result = producers.result("produce");
      if (result.records() == 0 && workload.warmupS() > 0 && producers.tally().ackedCount() > 0) {
        errors.add("all " + workload.recordsMax() + " records (the workload's records cap) were sent in the "
            + workload.warmupS() + " s warm-up, so nothing was measured: raise records or shorten warmupS");
      }
      return result;
    } finally {
      producers.close();
    }
  }

  private void consume(Workload workload, String topic, List<PhaseResult> phases, List<String> errors)
      throws InterruptedException {
    long startNs = System.nanoTime();
    ProducePhase fill =
        new ProducePhase(driver, workload, topic, workload.recordsMax(), startNs, startNs, startNs + workload.durationNs(), false);
    progress.printf("%s: writing a backlog of %d records to %s%n", driver.system(), workload.recordsMax(), topic);
    progress.flush();
    long backlog;
    try {
      fill.start();
      finish(fill, errors);
      phases.add(fill.result("fill"));
      backlog = fill.tally().ackedCount();
    } finally {
      fill.close();
    }
    progress.printf("%s: reading the %d records back from the beginning%n", driver.system(), backlog);
    progress.flush();
    ConsumerFleet consumers = new ConsumerFleet(driver, workload, topic, false);
    long readStartNs;
    try {
      consumers.open(true);
      // The clock starts once the consumers are positioned: creating clients is not reading.
      readStartNs = System.nanoTime();
      consumers.start(readStartNs, backlog);
      if (!consumers.awaitTarget(readStartNs + workload.durationNs())) {
        errors.add(readError(consumers, backlog, workload.durationS()));
      }
    } finally {
      consumers.close();
    }
    phases.add(consumers.result("consume", backlog));
  }

  private void e2e(Workload workload, String topic, List<PhaseResult> phases, List<String> errors)
      throws InterruptedException {
    ConsumerFleet consumers = new ConsumerFleet(driver, workload, topic, true);
    try {
      // The consumers are at the end of the log before the first send, so they see every record.
      consumers.open(false);
      long startNs = System.nanoTime();
      long windowNs = startNs + workload.warmupNs();
      consumers.start(windowNs, Long.MAX_VALUE);
      ProducePhase producers =
          new ProducePhase(driver, workload, topic, workload.recordsMax(), startNs, windowNs, windowNs + workload.durationNs(), true);
      progress.printf("%s: e2e on %s for up to %d s (warm-up %d s), %s%n", driver.system(), topic,
          workload.durationS() + workload.warmupS(), workload.warmupS(),
          workload.rateRecordsPerSec() > 0 ? workload.rateRecordsPerSec() + " records/s" : "max rate");
      progress.flush();
      try {
        producers.start();
        finish(producers, errors);
      } finally {
        producers.close();
      }
      long acked = producers.tally().ackedCount();
      consumers.target(acked);
      if (!consumers.awaitTarget(System.nanoTime() + E2E_DRAIN_NS)) {
        errors.add(readError(consumers, acked, (int) TimeUnit.NANOSECONDS.toSeconds(E2E_DRAIN_NS)));
      }
      phases.add(producers.result("produce"));
      phases.add(consumers.result("e2e", acked));
    } finally {
      consumers.close();
    }
  }

  private static void finish(ProducePhase producers, List<String> errors) throws InterruptedException {
    boolean done = producers.awaitDone();
    ProduceTally tally = producers.tally();
    if (!done) {
      errors.add((tally.sentCount() - tally.ackedCount() - tally.failedCount())
          + " sends were still unacknowledged when the run's time was up");
    }
    if (tally.failedCount() > 0) {
      errors.add(tally.failedCount() + " of " + tally.sentCount() + " sends failed; first: " + describe(tally.firstError()));
    }
  }

  private static String readError(ConsumerFleet consumers, long expected, int withinS) {
    Throwable error = consumers.error();
    return error != null
        ? "a consumer failed: " + describe(error)
        : "read " + consumers.read() + " of " + expected + " records within " + withinS + " s";
  }

  static String describe(Throwable error) {
    if (error == null) {
      return "unknown error";
    }
    Throwable cause = error;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
