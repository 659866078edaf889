package dev.runnel.node.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The node's metrics, in one dropwizard registry (exported as Prometheus text on /metrics and
 * over JMX). Names are dotted; the exporter turns them into Prometheus names.
 */
public final class NodeMetrics {
  private final MetricRegistry registry = new MetricRegistry();
  public final Timer produceRequests = registry.timer("runnel.produce.requests");
  public final Timer fetchRequests = registry.timer("runnel.fetch.requests");
  public final Timer raftCommit = registry.timer("runnel.raft.commit.latency");
  public final Meter bytesIn = registry.meter("runnel.bytes.in");
  public final Meter bytesOut = registry.meter("runnel.bytes.out");
  public final Meter recordsIn = registry.meter("runnel.records.in");
  public final Meter produceErrors = registry.meter("runnel.produce.errors");
  /** Raft entries of produced batches submitted by this node as leader, and the batches in them. */
  public final Counter raftAppendEntries = registry.counter("runnel.raft.append.entries");
  public final Counter raftAppendBatches = registry.counter("runnel.raft.append.batches");
  public final Counter subscribeStreams = registry.counter("runnel.subscribe.streams");
  public final Counter corruptBatchesFound = registry.counter("runnel.corrupt.batches.found");
  public final Counter corruptBatchesRepaired = registry.counter("runnel.corrupt.batches.repaired");
  /** Compaction passes that had something to do, and what they read, rewrote and removed. */
  public final Counter cleanerPasses = registry.counter("runnel.cleaner.passes");
  public final Counter cleanerBytesRead = registry.counter("runnel.cleaner.bytes.read");
  public final Counter cleanerBytesRemoved = registry.counter("runnel.cleaner.bytes.removed");
  public final Counter cleanerBatchesRemoved = registry.counter("runnel.cleaner.batches.removed");
  public final Counter cleanerBatchesRewritten = registry.counter("runnel.cleaner.batches.rewritten");
  public final Counter cleanerErrors = registry.counter("runnel.cleaner.errors");
  /** Times a consumer group went from settled to reconciling on this node (while it coordinated). */
  public final Counter groupRebalances = registry.counter("runnel.group.rebalances");
  private final List<Supplier<List<MetricFamily>>> familySources = new CopyOnWriteArrayList<>();

  public MetricRegistry registry() {
    return registry;
  }

  /** Per-topic bytes in. */
  public Counter topicBytesIn(String topic) {
    return registry.counter("runnel.topic.bytes.in." + topic);
  }

  /** Per-topic records in. */
  public Counter topicRecordsIn(String topic) {
    return registry.counter("runnel.topic.records.in." + topic);
  }

  /** Per-topic bytes out. */
  public Counter topicBytesOut(String topic) {
    return registry.counter("runnel.topic.bytes.out." + topic);
  }

  /** Drops a deleted topic's counters. */
  public void removeTopic(String topic) {
    registry.removeMatching((name, metric) -> name.startsWith("runnel.topic.") && name.endsWith("." + topic));
  }

  /** Labelled families computed at each scrape (after the registry's metrics). */
  public void addFamilies(Supplier<List<MetricFamily>> source) {
    familySources.add(source);
  }

  /** Everything, in the Prometheus text format. */
  public String prometheusText() {
    List<MetricFamily> families = new ArrayList<>();
    familySources.forEach(source -> families.addAll(source.get()));
    return PrometheusText.render(registry, families);
  }

  public void gauge(String name, LongSupplier value) {
    registry.gauge(name, () -> value::getAsLong);
  }
}
