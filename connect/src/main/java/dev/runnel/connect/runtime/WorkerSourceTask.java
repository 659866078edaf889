package dev.runnel.connect.runtime;

import dev.runnel.connect.errors.ErrorHandler;
import dev.runnel.connect.errors.Stage;
import dev.runnel.connect.storage.OffsetStore;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SourceTask}: poll → transforms → converters → {@link Producer}. Source offsets are
 * committed every {@code offset.flush.interval.ms}, after the producer has flushed every record
 * they cover (so a committed offset never points past an unacknowledged record: at-least-once).
 * At most {@code source.outstanding.records.max} records are unacknowledged at a time.
 */
public final class WorkerSourceTask extends WorkerTask {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerSourceTask.class);

  private final SourceTask task;
  private final Map<String, String> taskConfig;
  private final RecordConverters converters;
  private final TransformationChain<SourceRecord> transforms;
  private final ErrorHandler errors;
  private final boolean tolerateAll;
  private final Producer producer;
  private final OffsetStore offsetStore;
  private final long flushIntervalMs;
  private final Semaphore outstanding;
  private final int outstandingMax;
  private final PluginMetrics metrics;
  private final ConnectMetrics.TaskCounters counters;
  /** Latest offset per source partition of records sent since the last commit; task thread only. */
  private final Map<Map<String, ?>, Map<String, ?>> uncommitted = new LinkedHashMap<>();
  private final AtomicReference<Throwable> sendFailure = new AtomicReference<>();
  private final AtomicLong recordsSent = new AtomicLong();
  private final java.util.function.Consumer<String> topicCreator;
  private final java.util.Set<String> knownTopics = new java.util.HashSet<>();
  private long nextCommitMs;
  private boolean taskStarted;
  private volatile boolean taskStopCalled;

  public WorkerSourceTask(TaskId id, StatusTracker status, ClassLoader loader, TargetState initial,
      SourceTask task, Map<String, String> taskConfig, RecordConverters converters,
      TransformationChain<SourceRecord> transforms, ErrorHandler errors, boolean tolerateAll,
      Producer producer, OffsetStore offsetStore, WorkerConfig worker, PluginMetrics metrics,
      ConnectMetrics.TaskCounters counters,
      java.util.function.Consumer<String> topicCreator) {
    super(id, status, loader, initial);
    this.task = task;
    this.taskConfig = taskConfig;
    this.converters = converters;
    this.transforms = transforms;
    this.errors = errors;
    this.tolerateAll = tolerateAll;
    this.producer = producer;
    this.offsetStore = offsetStore;
    this.flushIntervalMs = worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS);
    this.outstandingMax = worker.getInt(WorkerConfig.SOURCE_OUTSTANDING_RECORDS_MAX);
    this.outstanding = new Semaphore(outstandingMax);
    this.metrics = metrics;
    this.counters = counters;
    this.topicCreator = topicCreator;
  }

  @Override
  protected void execute() throws Exception {
    OffsetStorageReader reader = new SourceOffsetReader(id.connector(), offsetStore);
    task.initialize(new SourceTaskContext() {
      @Override
      public Map<String, String> configs() {
        return taskConfig;
      }

      @Override
      public OffsetStorageReader offsetStorageReader() {
        return reader;
      }

      @Override
      public PluginMetrics pluginMetrics() {
        return metrics;
      }
    });
    task.start(taskConfig);
    taskStarted = true;
    nextCommitMs = System.currentTimeMillis() + flushIntervalMs;
    while (!isStopping()) {
      if (isPaused()) {
        commitOffsets();
        status.state(State.PAUSED, "paused by request");
        if (!awaitUnpaused()) {
          break;
        }
      }
      if (status.current() != State.RUNNING) {
        status.state(State.RUNNING, "started");
      }
      maybeCommitOffsets();
      // A failing poll() fails the task whatever errors.tolerance says (as in Kafka Connect).
      List<SourceRecord> records = task.poll();
      if (records == null || records.isEmpty()) {
        continue;
      }
      counters.recordsIn(records.size());
      for (SourceRecord record : records) {
        send(record);
      }
      throwIfSendFailed();
    }
    commitOffsets();
  }

  private void send(SourceRecord record) throws InterruptedException {
    ProducerRecord out;
    try {
      SourceRecord transformed =
          transforms.apply(record, (alias, step) -> errors.execute(Stage.TRANSFORMATION, () -> where(record), step));
      if (transformed == null) {
        remember(record);
        commitRecord(record, null);
        return;
      }
      out = errors.execute(Stage.VALUE_CONVERTER, () -> where(record), () -> converters.toProducerRecord(transformed));
    } catch (ErrorHandler.SkipRecord skipped) {
      remember(record);
      return;
    }
    while (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
      throwIfSendFailed();
      if (isStopping()) {
        throw new ConnectException("stopping while waiting for room among outstanding records");
      }
    }
    remember(record);
    if (knownTopics.add(out.topic())) {
      topicCreator.accept(out.topic());
    }
    producer.send(out).whenComplete((metadata, error) -> {
      outstanding.release();
      if (error != null) {
        if (tolerateAll) {
          LOG.error("task {}: a record to {} was not stored and is skipped (errors.tolerance=all): {}",
              id, out.topic(), error.getMessage());
        } else {
          sendFailure.compareAndSet(null, error);
        }
        return;
      }
      recordsSent.incrementAndGet();
      counters.recordsOut(1);
      commitRecord(record, metadata);
    });
  }

  private void remember(SourceRecord record) {
    if (record.sourcePartition() != null && record.sourceOffset() != null) {
      uncommitted.put(record.sourcePartition(), record.sourceOffset());
    }
  }

  private void commitRecord(SourceRecord record, RecordMetadata metadata) {
    try {
      org.apache.kafka.clients.producer.RecordMetadata kafkaMetadata = metadata == null ? null
          : new org.apache.kafka.clients.producer.RecordMetadata(
              new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(), 0,
              metadata.timestampMs(), -1, -1);
      task.commitRecord(record, kafkaMetadata);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("task {}: commitRecord failed: {}", id, e.toString());
    }
  }

  private void throwIfSendFailed() {
    Throwable failure = sendFailure.get();
    if (failure != null) {
      throw new ConnectException("task " + id + ": a record could not be stored: " + failure.getMessage(), failure);
    }
  }

  private void maybeCommitOffsets() {
    if (System.currentTimeMillis() >= nextCommitMs) {
      commitOffsets();
    }
  }

  /** Flush first, then store the offsets the flushed records carried, then tell the task. */
  void commitOffsets() {
    nextCommitMs = System.currentTimeMillis() + flushIntervalMs;
    Map<Map<String, ?>, Map<String, ?>> snapshot = new LinkedHashMap<>(uncommitted);
    uncommitted.clear();
    producer.flush();
    throwIfSendFailed();
    if (!snapshot.isEmpty()) {
      try {
        offsetStore.put(id.connector(), id.task(), snapshot);
      } catch (RuntimeException e) {
        LOG.error("task {}: could not commit source offsets, will retry: {}", id, e.getMessage());
        snapshot.forEach(uncommitted::putIfAbsent);
        return;
      }
    }
    try {
      task.commit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("task {}: commit() failed: {}", id, e.toString());
    }
  }

  @Override
  protected void onStopRequested() {
    // SourceTask.stop may be called from another thread to interrupt a blocking poll().
    if (taskStarted) {
      taskStopCalled = true;
      withLoader(loader, () -> {
        try {
          task.stop();
        } catch (RuntimeException e) {
          LOG.warn("task {}: stop() failed: {}", id, e.toString());
        }
        return null;
      });
    }
  }

  @Override
  protected void close() {
    if (taskStarted && !taskStopCalled) {
      try {
        task.stop();
      } catch (RuntimeException e) {
        LOG.warn("task {}: stop() failed: {}", id, e.toString());
      }
    }
    try {
      producer.close();
    } finally {
      transforms.close();
      converters.close();
    }
  }

  long recordsSent() {
    return recordsSent.get();
  }

  private static String where(SourceRecord record) {
    return "source record for topic " + record.topic() + " partition " + record.sourcePartition()
        + " offset " + record.sourceOffset();
  }
}
