package dev.runnel.loadtest;

import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One producer thread's share of a perf run: sends up to {@code records} records, paced to
 * {@code ratePerSec} when it is positive, and stops at {@code deadlineNs} whichever comes first.
 *
 * <p>At a fixed rate the latency of a record is measured from when it was <em>meant</em> to be
 * sent, not from when the thread got round to it, so a stall that delays later sends shows up in
 * their latency instead of being hidden (coordinated omission, Gil Tene, "How NOT to Measure
 * Latency").
 */
final class ProducerWorker implements Runnable {
  private final Producer producer;
  private final String topic;
  private final long records;
  private final long intervalNs;
  private final byte[][] keys;
  private final byte[][] values;
  private final long startNs;
  private final long deadlineNs;
  private final SendTally tally;
  private final LatencyRecorder latency;
  private final SplittableRandom random;

  ProducerWorker(
      Producer producer,
      String topic,
      long records,
      double ratePerSec,
      byte[][] keys,
      byte[][] values,
      long startNs,
      long deadlineNs,
      SendTally tally,
      LatencyRecorder latency,
      long seed) {
    this.producer = producer;
    this.topic = topic;
    this.records = records;
    this.intervalNs = ratePerSec > 0 ? Math.max(1, (long) (1e9 / ratePerSec)) : 0;
    this.keys = keys;
    this.values = values;
    this.startNs = startNs;
    this.deadlineNs = deadlineNs;
    this.tally = tally;
    this.latency = latency;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public void run() {
    for (long i = 0; i < records; i++) {
      long intendedNs = intervalNs > 0 ? startNs + i * intervalNs : System.nanoTime();
      if (intendedNs >= deadlineNs || !waitUntil(intendedNs)) {
        break;
      }
      byte[] key = keys.length == 0 ? null : keys[random.nextInt(keys.length)];
      byte[] value = values[values.length == 1 ? 0 : random.nextInt(values.length)];
      tally.recordSent();
      producer
          .send(new ProducerRecord(topic, null, key, value, List.of(), 0L))
          .whenComplete(
              (metadata, error) -> {
                long nowNs = System.nanoTime();
                if (error == null) {
                  latency.recordNs(nowNs - intendedNs);
                  tally.recordAck(nowNs);
                } else {
                  tally.recordFailure(error);
                }
              });
    }
    producer.flush();
  }

  /** Parks until {@code targetNs}; false if the deadline comes first. */
  private boolean waitUntil(long targetNs) {
    long nowNs;
    // parkNanos may return early (spuriously or on interrupt), so re-check the clock.
    while ((nowNs = System.nanoTime()) < targetNs) {
      if (nowNs >= deadlineNs || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(targetNs - nowNs);
    }
    return nowNs < deadlineNs;
  }
}
