package dev.runnel.connect;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A test sink whose task records what it was given ("partition@offset") and runs, on its own
 * thread inside put(), the actions a test queued for it (pause, resume, offset, requestCommit).
 * Keyed by the connector's {@code probe} setting so tests do not see each other's records.
 */
public final class ControlledSinkConnector extends SinkConnector {
  /** What one connector's tasks saw, and the actions waiting for them. */
  public static final class Probe {
    public final List<String> delivered = new CopyOnWriteArrayList<>();
    public final List<String> workerThreads = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Consumer<SinkTaskContext>> actions = new ConcurrentLinkedQueue<>();
    public final List<Throwable> actionErrors = new CopyOnWriteArrayList<>();
    /** How many times a task of this connector was started. */
    public final java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
    /** How many times a task of this connector was stopped (its stop() returned). */
    public final java.util.concurrent.atomic.AtomicInteger stops = new java.util.concurrent.atomic.AtomicInteger();
    /** When set, the next put() throws (the task fails). */
    public final java.util.concurrent.atomic.AtomicBoolean failNextPut = new java.util.concurrent.atomic.AtomicBoolean();

    /** Runs {@code action} with the task's context at its next put() (also an empty one). */
    public void onTaskThread(Consumer<SinkTaskContext> action) {
      actions.add(action);
    }

    public List<String> deliveredOf(int partition) {
      return delivered.stream().filter(d -> d.startsWith(partition + "@")).toList();
    }
  }

  static final Map<String, Probe> PROBES = new ConcurrentHashMap<>();

  public static Probe probe(String name) {
    return PROBES.computeIfAbsent(name, k -> new Probe());
  }

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    this.props = props;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return ControlledSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return java.util.Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return new ConfigDef().define("probe", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "probe name");
  }

  @Override
  public String version() {
    return "test";
  }

  /** The task. */
  public static final class ControlledSinkTask extends SinkTask {
    private Probe probe;

    @Override
    public void start(Map<String, String> props) {
      probe = probe(props.get("probe"));
      probe.starts.incrementAndGet();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
      if (probe.failNextPut.compareAndSet(true, false)) {
        throw new org.apache.kafka.connect.errors.ConnectException("the test asked this task to fail");
      }
      for (SinkRecord r : records) {
        probe.delivered.add(r.kafkaPartition() + "@" + r.kafkaOffset());
        probe.workerThreads.add(Thread.currentThread().getName());
      }
      Consumer<SinkTaskContext> action;
      while ((action = probe.actions.poll()) != null) {
        try {
          action.accept(context);
        } catch (RuntimeException e) {
          probe.actionErrors.add(e);
        }
      }
    }

    @Override
    public void stop() {
      probe.stops.incrementAndGet();
    }

    @Override
    public String version() {
      return "test";
    }
  }
}
