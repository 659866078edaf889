package dev.runnel.loadtest.bench;

import java.time.Duration;
import java.util.List;

/**
 * What the workload runner needs from a messaging system: topics, producers and consumers. One
 * implementation talks to Runnel through its SDK ({@link RunnelDriver}); the Kafka comparison
 * (loadtest/kafka-driver, outside the default build) implements it with Kafka's own clients, so
 * both systems run the very same workload code.
 */
public interface BenchDriver extends AutoCloseable {
  /** "runnel" or "kafka": goes into every report line. */
  String system();

  /** Creates the topic (an existing one is kept) and returns once every partition has a leader. */
  void createTopic(String topic, int partitions, int replicationFactor);

  /** Deletes the topic (after a run, so finished runs do not keep costing the cluster). */
  void deleteTopic(String topic);

  /** A producer configured from the workload's acks, compression, linger and batch size. */
  Producer newProducer(Workload workload);

  /**
   * A consumer reading exactly {@code partitions} of {@code topic} (no group), positioned at the
   * beginning or at the current end; positions are resolved before this returns, so records
   * sent afterwards are all seen.
   */
  Consumer newConsumer(Workload workload, String topic, List<Integer> partitions, boolean fromBeginning);

  @Override
  void close();

  /** Sends records; thread-confined to one producer thread plus the client's own threads. */
  interface Producer extends AutoCloseable {
    /** Queues one record; {@code done} runs once with null or the error. May block on a full buffer. */
    void send(String topic, byte[] key, byte[] value, SendCallback done);

    /** Waits until every queued record has an outcome. */
    void flush();

    @Override
    void close();
  }

  /** Outcome of one send. */
  @FunctionalInterface
  interface SendCallback {
    void done(Throwable error);
  }

  /** Reads records of its partitions; used by one thread. */
  interface Consumer extends AutoCloseable {
    /** Waits up to {@code timeout} for records and hands each value to {@code sink}; returns how many. */
    int poll(Duration timeout, RecordSink sink);

    @Override
    void close();
  }

  /** Receives the value of each consumed record (null for a null value). */
  @FunctionalInterface
  interface RecordSink {
    void accept(byte[] value);
  }
}
