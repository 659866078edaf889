package dev.runnel.loadtest.bench;

/**
 * One benchmark, as a workload file describes it (see {@link WorkloadParser} and
 * loadtest/workloads/). The same workload runs against Runnel and, through the Kafka driver,
 * against Apache Kafka, so the two are compared on identical terms.
 *
 * @param name names the workload in reports; also the topic prefix when {@code topic} is null
 * @param mode what is measured
 * @param topic an existing or fixed topic; null = a fresh topic per run ({@code name-<run id>})
 * @param replicationFactor 0 = the cluster's default
 * @param recordsMax records to send over the whole run, warm-up included; 0 = no count limit
 *     (then {@code durationS} ends the run). In {@link Mode#CONSUME} the backlog to read.
 * @param durationS the measured phase ends after this long (a hard cap, also with recordsMax)
 * @param warmupS records sent in this first stretch are not counted (JIT, connections, leaders)
 * @param rateRecordsPerSec total target rate over all producers; 0 = as fast as possible
 * @param zipfExponent skew of {@link KeyDistribution#ZIPF} (1.0 is the classic Zipf law)
 */
public record Workload(
    String name,
    Mode mode,
    String topic,
    int partitions,
    int replicationFactor,
    int recordSizeBytes,
    long recordsMax,
    int durationS,
    int warmupS,
    int producers,
    int consumers,
    long rateRecordsPerSec,
    KeyDistribution keyDistribution,
    int keyCount,
    double zipfExponent,
    Acks acks,
    Compression compression,
    Payload payload,
    int lingerMs,
    int batchSizeBytes) {

  /** What a workload measures. */
  public enum Mode {
    /** Producers only: throughput and send → ack latency. */
    PRODUCE,
    /** Producers write a backlog of {@code recordsMax} records, then consumers read it all from the start. */
    CONSUME,
    /** Consumers tail the topic while producers send: latency from (intended) send to receipt. */
    E2E
  }

  /** How records are keyed. */
  public enum KeyDistribution {
    /** No key: the client spreads records over partitions. */
    NONE,
    /** Each record's key is drawn uniformly from {@code keyCount} keys. */
    UNIFORM,
    /** Key k is drawn with probability proportional to 1 / (k+1)^zipfExponent: a few hot keys. */
    ZIPF
  }

  /** When a send counts as done, in each system's terms (see the drivers). */
  public enum Acks {
    /** Runnel: Raft majority. Kafka: acks=all (all in-sync replicas; min.insync.replicas decides). */
    QUORUM,
    /** Runnel: every replica. Kafka: acks=all. */
    ALL,
    /** Runnel: the leader accepted it. Kafka: acks=1. */
    LEADER,
    /** Fire and forget. Kafka: acks=0. */
    NONE
  }

  /** Producer batch compression. */
  public enum Compression { NONE, LZ4, ZSTD }

  /** Record values: random bytes (incompressible) or JSON-like text. */
  public enum Payload { RANDOM, JSON }

  /** Bytes at the start of every e2e record value that carry its intended send time. */
  public static final int E2E_STAMP_BYTES = Long.BYTES;

  /** The topic of one run: fixed, or fresh per run so repeated runs do not read each other's data. */
  public String topicFor(String runId) {
    return topic != null ? topic : name + "-" + runId;
  }

  public long warmupNs() {
    return warmupS * 1_000_000_000L;
  }

  public long durationNs() {
    return durationS * 1_000_000_000L;
  }
}
