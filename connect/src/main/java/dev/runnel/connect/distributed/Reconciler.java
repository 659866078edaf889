package dev.runnel.connect.distributed;

import dev.runnel.connect.runtime.ConnectorConfig;
import dev.runnel.connect.runtime.State;
import dev.runnel.connect.runtime.StatusSnapshot;
import dev.runnel.connect.runtime.TargetState;
import dev.runnel.connect.runtime.TaskId;
import dev.runnel.connect.runtime.Worker;
import dev.runnel.connect.runtime.WorkerConnector;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.RebalanceListener;
import dev.runnel.sdk.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's own thread in distributed mode, the single writer of what runs here. It is a member
 * of the workers' consumer group on the offsets topic; owning partition p means running the
 * connectors and tasks that {@link TaskPlacement} maps to p. Each round it polls the group (a
 * revoked partition's tasks are stopped, and their offsets written, before the revocation is
 * acknowledged), then makes what runs here match the configs topic.
 */
final class Reconciler implements RebalanceListener, WorkerConnector.Callbacks {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long TAKEOVER_READ_TIMEOUT_MS = 30_000;

  /** A task running here and the configs it was started with. */
  private record RunningTask(Map<String, String> connectorConfig, Map<String, String> taskConfig, TargetState target) {}

  /** A connector running here and the config it was started with. */
  private record RunningConnector(WorkerConnector connector, Map<String, String> config, TargetState target) {}

  private final Worker worker;
  private final ConfigLog configLog;
  private final TopicOffsetStore offsetStore;
  private final GroupConsumer membership;
  private final String offsetsTopic;
  private final int partitions;
  private final Set<Integer> owned = new HashSet<>();
  private final Map<String, RunningConnector> connectors = new HashMap<>();
  private final Map<TaskId, RunningTask> tasks = new HashMap<>();
  private final Set<String> handledRestarts = new HashSet<>();
  private final Set<String> stoppedReported = new HashSet<>();
  /** Task configs this worker wrote and has not read back yet: connector -> what was written. */
  private final Map<String, List<Map<String, String>>> written = new HashMap<>();
  private final Set<String> reconfigureRequested = ConcurrentHashMap.newKeySet();
  private final Object wakeLock = new Object();
  private final Thread thread;
  private volatile boolean closed;
  private boolean wakeRequested;

  Reconciler(Worker worker, ConfigLog configLog, TopicOffsetStore offsetStore, GroupConsumer membership,
      String offsetsTopic, int partitions) {
    this.worker = worker;
    this.configLog = configLog;
    this.offsetStore = offsetStore;
    this.membership = membership;
    this.offsetsTopic = offsetsTopic;
    this.partitions = partitions;
    this.thread = new Thread(this::run, "connect-herder");
    thread.setDaemon(true);
  }

  void start() {
    // Restart requests already in the topic were handled by whoever ran the connector then.
    for (ClusterConfig.Connector connector : configLog.snapshot().connectors().values()) {
      connector.restarts().forEach(r -> handledRestarts.add(r.id()));
    }
    membership.subscribe(List.of(offsetsTopic), this);
    thread.start();
  }

  void wakeup() {
    synchronized (wakeLock) {
      wakeRequested = true;
    }
  }

  private void run() {
    while (!closed) {
      try {
        membership.poll(POLL); // records are ignored: the group is only for sharing partitions
        synchronized (wakeLock) {
          wakeRequested = false;
        }
        reconcile(configLog.snapshot());
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        LOG.error("distributed herder: a round failed; retrying", e);
        sleepQuietly(500);
      }
    }
  }

  private void reconcile(ClusterConfig config) {
    reconcileConnectors(config);
    applyRestarts(config);
    reconcileTasks(config);
  }

  private boolean owns(String connector, int task) {
    return owned.contains(TaskPlacement.partition(connector, task, partitions));
  }

  private void reconcileConnectors(ClusterConfig config) {
    for (String name : new ArrayList<>(connectors.keySet())) {
      RunningConnector running = connectors.get(name);
      ClusterConfig.Connector wanted = config.connectors().get(name);
      if (wanted == null) {
        stopConnector(name, State.DESTROYED);
      } else if (!owns(name, -1) || wanted.target() == TargetState.STOPPED || !wanted.config().equals(running.config())) {
        stopConnector(name, wanted.target() == TargetState.STOPPED ? State.STOPPED : State.UNASSIGNED);
      } else if (wanted.target() != running.target()) {
        if (wanted.target() == TargetState.PAUSED) {
          running.connector().pause();
        } else {
          running.connector().resume();
        }
        connectors.put(name, new RunningConnector(running.connector(), running.config(), wanted.target()));
      }
    }
    stoppedReported.retainAll(config.connectors().keySet());
    for (Map.Entry<String, ClusterConfig.Connector> entry : config.connectors().entrySet()) {
      String name = entry.getKey();
      ClusterConfig.Connector wanted = entry.getValue();
      if (!owns(name, -1) || connectors.containsKey(name)) {
        continue;
      }
      if (wanted.target() == TargetState.STOPPED) {
        if (stoppedReported.add(name)) {
          worker.newConnector(name, wanted.config(), this).status().state(State.STOPPED, "stopped by request");
        }
        continue;
      }
      stoppedReported.remove(name);
      WorkerConnector connector;
      try {
        connector = worker.newConnector(name, wanted.config(), this);
      } catch (RuntimeException e) {
        LOG.error("connector {} cannot be created", name, e);
        continue;
      }
      connectors.put(name, new RunningConnector(connector, wanted.config(), wanted.target()));
      if (connector.start(wanted.config(), wanted.target())) {
        reconfigureRequested.add(name);
      }
    }
    for (Map.Entry<String, RunningConnector> entry : connectors.entrySet()) {
      String name = entry.getKey();
      ClusterConfig.Connector wanted = config.connectors().get(name);
      boolean requested = reconfigureRequested.remove(name);
      if (wanted != null && (requested || !wanted.tasksCurrent())
          && entry.getValue().connector().status().current() != State.FAILED) {
        writeTaskConfigs(name, entry.getValue(), wanted, requested);
      }
    }
  }

  /** Only the connector's owner computes task configs; everyone reads them from the topic. */
  private void writeTaskConfigs(String name, RunningConnector running, ClusterConfig.Connector wanted, boolean force) {
    List<Map<String, String>> next;
    try {
      next = running.connector().taskConfigs(new ConnectorConfig(running.config()).tasksMax());
    } catch (RuntimeException e) {
      running.connector().status().state(State.FAILED, "taskConfigs() failed", e);
      return;
    }
    if (wanted.tasksCurrent() && next.equals(wanted.taskConfigs())) {
      written.remove(name);
      return;
    }
    if (!force && next.equals(written.get(name))) {
      return; // written already; waiting to read it back
    }
    configLog.putTaskConfigs(name, running.config(), next);
    written.put(name, next);
  }

  private void stopConnector(String name, State finalState) {
    RunningConnector running = connectors.remove(name);
    written.remove(name);
    if (running != null) {
      running.connector().stop(finalState);
    }
  }

  private void applyRestarts(ClusterConfig config) {
    for (Map.Entry<String, ClusterConfig.Connector> entry : config.connectors().entrySet()) {
      String name = entry.getKey();
      for (ClusterConfig.Restart restart : entry.getValue().restarts()) {
        if (!handledRestarts.add(restart.id())) {
          continue;
        }
        LOG.info("restart of {} requested ({})", name, restart);
        if (restart.task() >= 0) {
          stopTasks(List.of(new TaskId(name, restart.task())));
          continue;
        }
        RunningConnector running = connectors.get(name);
        boolean failed = running != null && running.connector().status().current() == State.FAILED;
        if (running != null && (!restart.onlyFailed() || failed)) {
          stopConnector(name, State.RESTARTING);
        }
        if (restart.includeTasks()) {
          List<TaskId> toRestart = new ArrayList<>();
          for (TaskId id : tasks.keySet()) {
            StatusSnapshot status = worker.taskStatus(id);
            if (id.connector().equals(name) && (!restart.onlyFailed() || status == null || status.state() == State.FAILED)) {
              toRestart.add(id);
            }
          }
          stopTasks(toRestart);
        }
      }
    }
    if (!connectors.isEmpty() || !tasks.isEmpty()) {
      reconcileConnectors(config);
    }
  }

  private void reconcileTasks(ClusterConfig config) {
    Map<TaskId, RunningTask> wanted = new HashMap<>();
    config.connectors().forEach((name, connector) -> {
      if (connector.target() == TargetState.STOPPED || !connector.tasksCurrent()) {
        return;
      }
      for (int i = 0; i < connector.taskConfigs().size(); i++) {
        if (owns(name, i)) {
          wanted.put(new TaskId(name, i), new RunningTask(connector.config(), connector.taskConfigs().get(i), connector.target()));
        }
      }
    });
    List<TaskId> stale = new ArrayList<>();
    for (Map.Entry<TaskId, RunningTask> entry : tasks.entrySet()) {
      RunningTask want = wanted.get(entry.getKey());
      RunningTask have = entry.getValue();
      if (want == null || !want.connectorConfig().equals(have.connectorConfig())
          || !want.taskConfig().equals(have.taskConfig())) {
        stale.add(entry.getKey());
      } else if (want.target() != have.target()) {
        worker.setTargetState(entry.getKey(), want.target());
        tasks.put(entry.getKey(), want);
      }
    }
    stopTasks(stale);
    List<TaskId> toStart = new ArrayList<>();
    Set<Integer> takeoverPartitions = new HashSet<>();
    for (TaskId id : wanted.keySet()) {
      if (!tasks.containsKey(id)) {
        toStart.add(id);
        takeoverPartitions.add(TaskPlacement.partition(id.connector(), id.task(), partitions));
      }
    }
    if (toStart.isEmpty()) {
      return;
    }
    try {
      // A task taken over resumes from the offsets its previous owner wrote: read them all first.
      offsetStore.awaitCaughtUp(takeoverPartitions, TAKEOVER_READ_TIMEOUT_MS);
    } catch (TimeoutException e) {
      LOG.warn("offsets not read up to date yet; tasks start in a later round: {}", e.getMessage());
      return;
    }
    toStart.sort(null);
    for (TaskId id : toStart) {
      RunningTask want = wanted.get(id);
      worker.startTask(id, want.connectorConfig(), want.taskConfig(), want.target());
      tasks.put(id, want);
    }
  }

  private void stopTasks(List<TaskId> ids) {
    if (ids.isEmpty()) {
      return;
    }
    worker.stopTasks(ids);
    ids.forEach(tasks::remove);
  }

  /** Stops what the lost partitions carried: called inside membership.poll, before the ack. */
  private void release(Collection<TopicPartition> partitionsGone) {
    Set<Integer> gone = new HashSet<>();
    partitionsGone.forEach(tp -> gone.add(tp.partition()));
    owned.removeAll(gone);
    List<TaskId> toStop = new ArrayList<>();
    for (TaskId id : tasks.keySet()) {
      if (gone.contains(TaskPlacement.partition(id.connector(), id.task(), partitions))) {
        toStop.add(id);
      }
    }
    stopTasks(toStop);
    for (String name : new ArrayList<>(connectors.keySet())) {
      if (gone.contains(TaskPlacement.partition(name, -1, partitions))) {
        stopConnector(name, State.UNASSIGNED);
      }
    }
    if (!toStop.isEmpty()) {
      LOG.info("gave up partitions {} and their tasks {}", gone, toStop);
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
    assigned.forEach(tp -> owned.add(tp.partition()));
    LOG.info("now owning offsets partitions {}", new java.util.TreeSet<>(owned));
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
    release(revoked);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> lost) {
    release(lost);
  }

  @Override
  public void requestTaskReconfiguration(String connector) {
    reconfigureRequested.add(connector);
    wakeup();
  }

  @Override
  public void failed(String connector, Throwable error) {
    LOG.error("connector {} failed", connector, error);
  }

  void close() {
    closed = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopTasks(new ArrayList<>(tasks.keySet()));
    for (String name : new ArrayList<>(connectors.keySet())) {
      stopConnector(name, State.UNASSIGNED);
    }
    // Leaving the group hands our partitions to the others at once.
    membership.close();
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
