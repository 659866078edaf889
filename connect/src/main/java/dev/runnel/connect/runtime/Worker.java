package dev.runnel.connect.runtime;

import dev.runnel.connect.errors.DeadLetterQueue;
import dev.runnel.connect.errors.ErrorHandler;
import dev.runnel.connect.errors.RetrySchedule;
import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.plugins.PluginType;
import dev.runnel.connect.plugins.Plugins;
import dev.runnel.connect.storage.OffsetStore;
import dev.runnel.proto.v1.TopicSummary;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.RunnelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops connectors and tasks on this process, wiring each to the Runnel SDK: a
 * {@link Producer} per source task, a {@link GroupConsumer} per sink task. It decides nothing
 * about which connectors or tasks should run: the herder (standalone or distributed) does.
 */
public final class Worker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  private static final long RETRY_FIRST_DELAY_MS = 300;

  private final String workerId;
  private final WorkerConfig config;
  private final Plugins plugins;
  private final OffsetStore offsets;
  private final StatusListener statusListener;
  private final Admin admin;
  private final Metrics metrics = new Metrics();
  private final ConnectMetrics connectMetrics = new ConnectMetrics();
  private final Map<TaskId, WorkerTask> tasks = new ConcurrentHashMap<>();

  public Worker(String workerId, WorkerConfig config, Plugins plugins, OffsetStore offsets, StatusListener statusListener) {
    this.workerId = workerId;
    this.config = config;
    this.plugins = plugins;
    this.offsets = offsets;
    this.statusListener = connectMetrics.listener(statusListener);
    this.admin = Admin.builder().bootstrap(config.bootstrap()).requestTimeoutMs(15_000).build();
  }

  public String workerId() {
    return workerId;
  }

  public Plugins plugins() {
    return plugins;
  }

  public WorkerConfig config() {
    return config;
  }

  public OffsetStore offsets() {
    return offsets;
  }

  public Admin admin() {
    return admin;
  }

  /** The state and record counters of what runs here, for GET /metrics. */
  public ConnectMetrics metrics() {
    return connectMetrics;
  }

  /** A new, not yet started connector instance (state UNASSIGNED). */
  public WorkerConnector newConnector(String name, Map<String, String> props, WorkerConnector.Callbacks callbacks) {
    PluginDesc desc = plugins.find(new ConnectorConfig(props).connectorClass(), PluginType.SOURCE, PluginType.SINK);
    Connector connector = plugins.newInstance(desc, Connector.class);
    StatusTracker status = new StatusTracker(name, -1, workerId, statusListener);
    return new WorkerConnector(name, connector, desc.loader(), status, callbacks, offsets, pluginMetrics(name, -1));
  }

  /**
   * Starts task {@code id} with its config from the connector; a task that cannot even be built
   * (bad converter, transform, ...) is reported FAILED rather than thrown.
   */
  public void startTask(TaskId id, Map<String, String> connectorProps, Map<String, String> taskProps, TargetState target) {
    if (tasks.containsKey(id)) {
      throw new IllegalStateException("task " + id + " already runs on this worker");
    }
    StatusTracker status = new StatusTracker(id.connector(), id.task(), workerId, statusListener);
    WorkerTask task;
    try {
      task = buildTask(id, status, connectorProps, taskProps, target);
    } catch (RuntimeException | LinkageError e) {
      status.state(State.FAILED, "could not create the task", e);
      tasks.put(id, new FailedTask(id, status));
      return;
    }
    tasks.put(id, task);
    task.start();
  }

  private WorkerTask buildTask(TaskId id, StatusTracker status, Map<String, String> connectorProps,
      Map<String, String> taskProps, TargetState target) {
    ConnectorConfig connectorConfig = new ConnectorConfig(connectorProps);
    PluginDesc connectorDesc = plugins.find(connectorConfig.connectorClass(), PluginType.SOURCE, PluginType.SINK);
    ClassLoader loader = connectorDesc.loader();
    String taskClass = taskProps.get("task.class");
    Task task = Plugins.withLoader(loader, () -> {
      try {
        return (Task) Class.forName(taskClass, true, loader).getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new ConnectException("cannot instantiate task class " + taskClass + ": " + e, e);
      }
    });
    RecordConverters converters = RecordConverters.create(config, connectorProps, plugins);
    ErrorHandler errors = new ErrorHandler("task " + id, connectorConfig.toleratesAll(),
        connectorConfig.getBoolean(ConnectorConfig.ERRORS_LOG_ENABLE),
        connectorConfig.getBoolean(ConnectorConfig.ERRORS_LOG_INCLUDE_MESSAGES),
        new RetrySchedule(connectorConfig.getLong(ConnectorConfig.ERRORS_RETRY_TIMEOUT_MS),
            connectorConfig.getLong(ConnectorConfig.ERRORS_RETRY_DELAY_MAX_MS), RETRY_FIRST_DELAY_MS),
        Thread::sleep, System::currentTimeMillis);
    PluginMetrics taskMetrics = pluginMetrics(id.connector(), id.task());
    ConnectMetrics.TaskCounters counters = connectMetrics.newTask(id);
    counters.errorsFrom(errors::failedRecords);
    if (task instanceof SourceTask sourceTask) {
      TransformationChain<SourceRecord> chain = TransformationChain.build(connectorProps, plugins);
      Producer producer = producer("connector-" + id);
      return new WorkerSourceTask(id, status, loader, target, sourceTask, taskProps, converters, chain, errors,
          connectorConfig.toleratesAll(), producer, offsets, config, taskMetrics, counters, this::ensureSourceTopic);
    }
    if (task instanceof SinkTask sinkTask) {
      connectorConfig.requireSinkTopics();
      TransformationChain<SinkRecord> chain = TransformationChain.build(connectorProps, plugins);
      DeadLetterQueue dlq = deadLetterQueue(id, connectorConfig);
      List<String> fixedTopics = connectorConfig.sinkTopics();
      String regex = connectorConfig.getString(ConnectorConfig.TOPICS_REGEX);
      return new WorkerSinkTask(id, status, loader, target, sinkTask, taskProps, converters, chain, errors, dlq,
          this::sinkConsumer, () -> fixedTopics.isEmpty() ? matchingTopics(regex) : fixedTopics, config, taskMetrics,
          counters);
    }
    throw new ConnectException("task class " + taskClass + " is neither a SourceTask nor a SinkTask");
  }

  private DeadLetterQueue deadLetterQueue(TaskId id, ConnectorConfig connectorConfig) {
    String topic = connectorConfig.getString(ConnectorConfig.DLQ_TOPIC);
    if (topic.isBlank()) {
      return null;
    }
    if (!connectorConfig.toleratesAll()) {
      LOG.warn("connector {}: {} is set but errors.tolerance=none, so no record will reach it",
          id.connector(), ConnectorConfig.DLQ_TOPIC);
    }
    ensureTopic(topic, 1, connectorConfig.getInt(ConnectorConfig.DLQ_REPLICATION), Map.of());
    return new DeadLetterQueue(producer("connector-dlq-" + id), topic,
        connectorConfig.getBoolean(ConnectorConfig.DLQ_CONTEXT_HEADERS), id.connector(), id.task());
  }

  /** Creates {@code topic} unless it exists (another worker may create it at the same time). */
  public void ensureTopic(String topic, int partitions, int replicationFactor, Map<String, String> topicConfigs) {
    try {
      admin.describeTopic(topic);
      return;
    } catch (RunnelException e) {
      if (e.reason() != dev.runnel.proto.v1.ErrorReason.UNKNOWN_TOPIC) {
        throw e;
      }
    }
    try {
      admin.createTopic(topic, partitions, replicationFactor, topicConfigs);
      LOG.info("created topic {} ({} partitions)", topic, partitions);
    } catch (RunnelException e) {
      if (e.reason() != dev.runnel.proto.v1.ErrorReason.TOPIC_ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  /** Source topics are created on first use (Kafka Connect's topic.creation), unless disabled. */
  private void ensureSourceTopic(String topic) {
    if (config.getBoolean(WorkerConfig.TOPIC_CREATION_ENABLE)) {
      ensureTopic(topic, config.getInt(WorkerConfig.TOPIC_CREATION_PARTITIONS),
          config.getInt(WorkerConfig.TOPIC_CREATION_REPLICATION), Map.of());
    }
  }

  private List<String> matchingTopics(String regex) {
    Pattern pattern = Pattern.compile(regex);
    List<String> out = new ArrayList<>();
    for (TopicSummary topic : admin.listTopics()) {
      if (pattern.matcher(topic.getName()).matches() && !topic.getName().startsWith("__")) {
        out.add(topic.getName());
      }
    }
    if (out.isEmpty()) {
      throw new ConnectException("no topic matches topics.regex=" + regex);
    }
    return out;
  }

  public Producer producer(String name) {
    return Producer.builder().bootstrap(config.bootstrap()).producerName(name).lingerMs(5).build();
  }

  private GroupConsumer sinkConsumer(TaskId id) {
    return GroupConsumer.builder()
        .bootstrap(config.bootstrap())
        .groupId(sinkGroup(id.connector()))
        .clientId("connector-" + id)
        .autoCommit(false)
        .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
        .maxPollRecords(config.getInt(WorkerConfig.SINK_POLL_RECORDS_MAX))
        .build();
  }

  public static String sinkGroup(String connector) {
    return "connect-" + connector;
  }

  private PluginMetrics pluginMetrics(String connector, int task) {
    return task < 0
        ? new PluginMetricsImpl(metrics, Map.of("connector", connector))
        : new PluginMetricsImpl(metrics, Map.of("connector", connector, "task", Integer.toString(task)));
  }

  public void setTargetState(TaskId id, TargetState target) {
    WorkerTask task = tasks.get(id);
    if (task != null) {
      task.transitionTo(target);
    }
  }

  /** Stops the tasks and waits for them (bounded by task.shutdown.graceful.timeout.ms). */
  public void stopTasks(List<TaskId> ids) {
    List<WorkerTask> stopping = new ArrayList<>();
    for (TaskId id : ids) {
      WorkerTask task = tasks.remove(id);
      if (task != null) {
        task.stop();
        stopping.add(task);
      }
    }
    long timeoutMs = config.getLong(WorkerConfig.TASK_SHUTDOWN_TIMEOUT_MS);
    for (WorkerTask task : stopping) {
      task.awaitStop(timeoutMs);
      connectMetrics.forget(task.id());
    }
  }

  public List<TaskId> taskIds() {
    return List.copyOf(tasks.keySet());
  }

  public List<TaskId> taskIds(String connector) {
    return tasks.keySet().stream().filter(t -> t.connector().equals(connector)).sorted().toList();
  }

  public StatusSnapshot taskStatus(TaskId id) {
    WorkerTask task = tasks.get(id);
    return task == null ? null : task.status().snapshot();
  }

  @Override
  public void close() {
    stopTasks(taskIds());
    admin.close();
    metrics.close();
  }

  /** Stands for a task that could not be built, so its FAILED status stays visible. */
  private static final class FailedTask extends WorkerTask {
    FailedTask(TaskId id, StatusTracker status) {
      super(id, status, FailedTask.class.getClassLoader(), TargetState.STARTED);
    }

    @Override
    protected void execute() {}

    @Override
    protected void close() {}

    @Override
    public boolean awaitStop(long timeoutMs) {
      return true;
    }
  }
}
