package dev.runnel.connect.runtime;

import dev.runnel.connect.errors.DeadLetterQueue;
import dev.runnel.connect.errors.ErrorHandler;
import dev.runnel.connect.errors.Stage;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.RebalanceListener;
import dev.runnel.sdk.RecordHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.IllegalWorkerStateException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SinkTask}: a {@link GroupConsumer} in group {@code connect-<connector>} →
 * converters → transforms → {@code put}. Offsets are committed only after {@code
 * preCommit}/{@code flush} returned (and after dead-lettered records were stored), every {@code
 * offset.flush.interval.ms} and before partitions move away: at-least-once. A paused task gives up
 * its consumer (after committing), so a paused connector reads nothing.
 *
 * <p>The task's {@link SinkTaskContext} acts on the consumer: {@code pause}/{@code resume} of
 * single partitions (they stay assigned; a revoked partition is no longer paused), {@code offset}
 * (a seek before the next poll, or right when the partition is opened), {@code requestCommit}.
 */
public final class WorkerSinkTask extends WorkerTask {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerSinkTask.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final long RETRY_PUT_DEFAULT_MS = 1_000;

  /** Creates the task's group member; the worker passes one built from its settings. */
  public interface ConsumerFactory {
    GroupConsumer create(TaskId id);
  }

  private final SinkTask task;
  private final Map<String, String> taskConfig;
  private final RecordConverters converters;
  private final TransformationChain<SinkRecord> transforms;
  private final ErrorHandler errors;
  private final DeadLetterQueue deadLetters;
  private final ConsumerFactory consumers;
  private final Supplier<List<String>> topics;
  private final long commitIntervalMs;
  private final PluginMetrics metrics;
  private final ConnectMetrics.TaskCounters counters;
  /** Next offset to commit per partition: records up to there were put (not yet flushed). */
  private final Map<TopicPartition, Long> currentOffsets = new LinkedHashMap<>();
  private final Map<TopicPartition, Long> committedOffsets = new HashMap<>();
  private final Map<TopicPartition, Long> rewinds = new HashMap<>();
  private GroupConsumer consumer;
  private long nextCommitMs;
  private long retryPutTimeoutMs = RETRY_PUT_DEFAULT_MS;
  private boolean commitRequested;
  private boolean taskStarted;

  public WorkerSinkTask(TaskId id, StatusTracker status, ClassLoader loader, TargetState initial,
      SinkTask task, Map<String, String> taskConfig, RecordConverters converters,
      TransformationChain<SinkRecord> transforms, ErrorHandler errors, DeadLetterQueue deadLetters,
      ConsumerFactory consumers, Supplier<List<String>> topics, WorkerConfig worker, PluginMetrics metrics,
      ConnectMetrics.TaskCounters counters) {
    super(id, status, loader, initial);
    this.task = task;
    this.taskConfig = taskConfig;
    this.converters = converters;
    this.transforms = transforms;
    this.errors = errors;
    this.deadLetters = deadLetters;
    this.consumers = consumers;
    this.topics = topics;
    this.commitIntervalMs = worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS);
    this.metrics = metrics;
    this.counters = counters;
  }

  @Override
  protected void execute() {
    task.initialize(new Context());
    task.start(taskConfig);
    taskStarted = true;
    nextCommitMs = System.currentTimeMillis() + commitIntervalMs;
    while (!isStopping()) {
      if (isPaused()) {
        closeConsumer();
        status.state(State.PAUSED, "paused by request");
        if (!awaitUnpaused()) {
          break;
        }
      }
      if (consumer == null) {
        openConsumer();
      }
      if (status.current() != State.RUNNING) {
        status.state(State.RUNNING, "started");
      }
      if (!rewinds.isEmpty()) {
        applyRewinds();
      }
      List<ConsumerRecord> polled = consumer.poll(POLL_TIMEOUT);
      deliver(polled);
      if (commitRequested || System.currentTimeMillis() >= nextCommitMs) {
        commitOffsets(Set.copyOf(currentOffsets.keySet()));
      }
    }
  }

  private void openConsumer() {
    List<String> subscribed = topics.get();
    consumer = consumers.create(id);
    consumer.subscribe(subscribed, new Listener());
  }

  /** Commits what is flushed, then leaves the group (partitions are revoked and closed). */
  private void closeConsumer() {
    if (consumer == null) {
      return;
    }
    try {
      commitOffsets(Set.copyOf(currentOffsets.keySet()));
      consumer.close();
    } finally {
      consumer = null;
      currentOffsets.clear();
    }
  }

  /**
   * SinkTaskContext.offset() called from put/preCommit: the consumer seeks there before its next
   * poll, and that position is what gets committed next (Kafka's "rewind").
   */
  private void applyRewinds() {
    Set<dev.runnel.sdk.TopicPartition> held = consumer.assignment();
    rewinds.forEach((tp, offset) -> {
      if (held.contains(toRunnel(tp))) {
        consumer.seek(toRunnel(tp), offset);
        currentOffsets.put(tp, offset);
        LOG.info("task {}: {} rewound to {} at the task's request", id, tp, offset);
      } else {
        LOG.warn("task {}: offset({}, {}) ignored: the partition is not assigned to this task", id, tp, offset);
      }
    });
    rewinds.clear();
  }

  /**
   * put() is called after every poll, also with no records (as Kafka Connect does), so a task that
   * paused all its partitions still runs and can resume them.
   */
  private void deliver(List<ConsumerRecord> polled) {
    if (polled.isEmpty()) {
      put(List.of());
      return;
    }
    counters.recordsIn(polled.size());
    List<SinkRecord> batch = new ArrayList<>(polled.size());
    Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    for (ConsumerRecord record : polled) {
      nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
      SinkRecord converted = convertAndTransform(record);
      if (converted != null) {
        batch.add(converted);
      }
    }
    put(batch);
    counters.recordsOut(batch.size());
    currentOffsets.putAll(nextOffsets);
  }

  private SinkRecord convertAndTransform(ConsumerRecord record) {
    Supplier<String> where = () -> record.topic() + "-" + record.partition() + "@" + record.offset();
    String failedClass = "";
    try {
      failedClass = converters.keyConverter().getClass().getName();
      SchemaAndValue key = errors.execute(Stage.KEY_CONVERTER, where,
          () -> converters.keyConverter().toConnectData(record.topic(), record.key()));
      failedClass = converters.valueConverter().getClass().getName();
      SchemaAndValue value = errors.execute(Stage.VALUE_CONVERTER, where,
          () -> converters.valueConverter().toConnectData(record.topic(), record.value()));
      failedClass = converters.headerConverter().getClass().getName();
      ConnectHeaders headers = errors.execute(Stage.HEADER_CONVERTER, where, () -> {
        ConnectHeaders out = new ConnectHeaders();
        for (RecordHeader h : record.headers()) {
          out.add(h.key(), converters.headerConverter().toConnectHeader(record.topic(), h.key(), h.value()));
        }
        return out;
      });
      SinkRecord sinkRecord = new SinkRecord(record.topic(), record.partition(), key.schema(), key.value(),
          value.schema(), value.value(), record.offset(), record.timestampMs(), TimestampType.CREATE_TIME, headers);
      failedClass = "transforms";
      return transforms.apply(sinkRecord, (alias, step) -> errors.execute(Stage.TRANSFORMATION, where, step));
    } catch (ErrorHandler.SkipRecord skipped) {
      if (deadLetters != null) {
        deadLetters.report(record, skipped.stage(), failedClass, skipped.getCause());
      }
      return null;
    }
  }

  /** put(); a RetriableException means "try the same batch again later" (Kafka's contract). */
  private void put(List<SinkRecord> batch) {
    while (true) {
      try {
        task.put(batch);
        return;
      } catch (RetriableException e) {
        LOG.warn("task {}: put() asked for a retry in {} ms: {}", id, retryPutTimeoutMs, e.getMessage());
        if (awaitStopFor(retryPutTimeoutMs)) {
          throw new org.apache.kafka.connect.errors.ConnectException("stopped while retrying put()", e);
        }
      }
    }
  }

  /** preCommit (default: flush) then commit what it returned, for the given partitions. */
  private void commitOffsets(Collection<TopicPartition> partitions) {
    nextCommitMs = System.currentTimeMillis() + commitIntervalMs;
    commitRequested = false;
    Map<TopicPartition, OffsetAndMetadata> current = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      Long offset = currentOffsets.get(tp);
      if (offset != null && !offset.equals(committedOffsets.get(tp))) {
        current.put(tp, new OffsetAndMetadata(offset));
      }
    }
    if (current.isEmpty() || consumer == null) {
      return;
    }
    if (deadLetters != null) {
      deadLetters.flush();
    }
    Map<TopicPartition, OffsetAndMetadata> committable;
    try {
      committable = task.preCommit(new HashMap<>(current));
    } catch (RetriableException e) {
      LOG.warn("task {}: preCommit/flush asked for a retry; offsets not committed yet: {}", id, e.getMessage());
      return;
    }
    Map<dev.runnel.sdk.TopicPartition, Long> toCommit = new LinkedHashMap<>();
    if (committable != null) {
      committable.forEach((tp, offset) -> {
        Long limit = currentOffsets.get(tp);
        if (offset != null && limit != null && current.containsKey(tp)) {
          toCommit.put(toRunnel(tp), Math.min(offset.offset(), limit));
        }
      });
    }
    if (toCommit.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(toCommit);
      toCommit.forEach((tp, offset) -> committedOffsets.put(new TopicPartition(tp.topic(), tp.partition()), offset));
    } catch (RuntimeException e) {
      // The records will be read again after the partition moves: at-least-once holds.
      LOG.warn("task {}: committing {} failed: {}", id, toCommit, e.getMessage());
    }
  }

  @Override
  protected void close() {
    try {
      if (consumer != null) {
        closeConsumer();
      }
    } finally {
      if (taskStarted) {
        try {
          task.stop();
        } catch (RuntimeException e) {
          LOG.warn("task {}: stop() failed: {}", id, e.toString());
        }
      }
      transforms.close();
      converters.close();
    }
  }

  static dev.runnel.sdk.TopicPartition toRunnel(TopicPartition tp) {
    return new dev.runnel.sdk.TopicPartition(tp.topic(), tp.partition());
  }

  static TopicPartition toKafka(dev.runnel.sdk.TopicPartition tp) {
    return new TopicPartition(tp.topic(), tp.partition());
  }

  private static List<TopicPartition> toKafka(Collection<dev.runnel.sdk.TopicPartition> tps) {
    return tps.stream().map(WorkerSinkTask::toKafka).toList();
  }

  /** Runs on the task thread, inside consumer.poll/close. */
  private final class Listener implements RebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<dev.runnel.sdk.TopicPartition> partitions) {
      task.open(toKafka(partitions));
      // offset() called from open(): seek now, before this same poll fetches from the committed
      // offset (a partition with a position is not looked up).
      for (dev.runnel.sdk.TopicPartition tp : partitions) {
        Long offset = rewinds.remove(toKafka(tp));
        if (offset != null) {
          consumer.seek(tp, offset);
          currentOffsets.put(toKafka(tp), offset);
          LOG.info("task {}: starting {} at {} where the task asked", id, tp, offset);
        }
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<dev.runnel.sdk.TopicPartition> partitions) {
      List<TopicPartition> revoked = toKafka(partitions);
      commitOffsets(revoked);
      task.close(revoked);
      revoked.forEach(tp -> {
        currentOffsets.remove(tp);
        committedOffsets.remove(tp);
      });
    }

    @Override
    public void onPartitionsLost(Collection<dev.runnel.sdk.TopicPartition> partitions) {
      List<TopicPartition> lost = toKafka(partitions);
      task.close(lost);
      lost.forEach(tp -> {
        currentOffsets.remove(tp);
        committedOffsets.remove(tp);
      });
    }
  }

  private final class Context implements SinkTaskContext {
    @Override
    public Map<String, String> configs() {
      return taskConfig;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
      rewinds.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
      rewinds.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
      retryPutTimeoutMs = Math.max(0, timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
      return consumer == null ? Set.of() : Set.copyOf(toKafka(consumer.assignment()));
    }

    /** The partitions stay assigned but are not read until resume(); see docs/connect.md. */
    @Override
    public void pause(TopicPartition... partitions) {
      List<dev.runnel.sdk.TopicPartition> tps = toRunnelList(partitions);
      try {
        requireConsumer().pause(tps);
      } catch (IllegalStateException e) {
        throw new IllegalWorkerStateException("SinkTasks can only pause partitions assigned to them: " + e.getMessage());
      }
      LOG.debug("task {}: paused {}", id, tps);
    }

    @Override
    public void resume(TopicPartition... partitions) {
      List<dev.runnel.sdk.TopicPartition> tps = toRunnelList(partitions);
      try {
        requireConsumer().resume(tps);
      } catch (IllegalStateException e) {
        throw new IllegalWorkerStateException("SinkTasks can only resume partitions assigned to them: " + e.getMessage());
      }
      LOG.debug("task {}: resumed {}", id, tps);
    }

    private GroupConsumer requireConsumer() {
      if (consumer == null) {
        throw new IllegalWorkerStateException("task " + id + " holds no partitions right now (paused or stopping)");
      }
      return consumer;
    }

    private List<dev.runnel.sdk.TopicPartition> toRunnelList(TopicPartition... partitions) {
      return java.util.Arrays.stream(partitions).map(WorkerSinkTask::toRunnel).toList();
    }

    @Override
    public void requestCommit() {
      commitRequested = true;
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return metrics;
    }
  }
}
