package dev.runnel.connect.distributed;

import dev.runnel.connect.herder.Herder;
import dev.runnel.connect.plugins.Plugins;
import dev.runnel.connect.rest.RestServer;
import dev.runnel.connect.runtime.Worker;
import dev.runnel.connect.runtime.WorkerConfig;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * A distributed worker: joins the workers of its {@code group.id}, keeps configs, offsets and
 * statuses in three compacted internal topics (created on first start), and runs its share of
 * the connectors and tasks. Any worker accepts REST requests.
 */
public final class ConnectDistributed implements AutoCloseable {
  private static final long SETUP_TIMEOUT_MS = 60_000;

  private final Plugins plugins;
  private final DistributedHerder herder;
  private final RestServer rest;
  private final AutoCloseable[] resources;

  private ConnectDistributed(Plugins plugins, DistributedHerder herder, RestServer rest, AutoCloseable... resources) {
    this.plugins = plugins;
    this.herder = herder;
    this.rest = rest;
    this.resources = resources;
  }

  public static ConnectDistributed start(Map<String, String> workerProps) {
    WorkerConfig config = new WorkerConfig(workerProps);
    String groupId = config.getString(WorkerConfig.GROUP_ID);
    if (groupId.isBlank()) {
      throw new ConfigException(WorkerConfig.GROUP_ID, groupId, "distributed mode needs a group.id shared by its workers");
    }
    String configTopic = config.getString(WorkerConfig.CONFIG_TOPIC);
    String offsetTopic = config.getString(WorkerConfig.OFFSET_TOPIC);
    String statusTopic = config.getString(WorkerConfig.STATUS_TOPIC);
    int replication = config.getInt(WorkerConfig.INTERNAL_TOPIC_REPLICATION);
    Map<String, String> compact = Map.of("cleanup.policy", "compact");

    Plugins plugins = new Plugins(config.pluginPath());
    String host = config.getString(WorkerConfig.REST_HOST);
    String workerId = config.getString(WorkerConfig.WORKER_ID).isBlank()
        ? host + ":" + config.getInt(WorkerConfig.REST_PORT) + "/" + java.util.UUID.randomUUID().toString().substring(0, 8)
        : config.getString(WorkerConfig.WORKER_ID);
    Producer internal = Producer.builder().bootstrap(config.bootstrap()).producerName("connect-" + groupId + "-" + workerId).lingerMs(0).build();
    StatusLog statusLog = new StatusLog(statusTopic, internal);
    int offsetPartitions;
    TopicOffsetStore offsetStore;
    Worker worker = null;
    TopicTail configTail = null;
    TopicTail statusTail = null;
    TopicTail offsetTail = null;
    try {
      offsetPartitions = setUpInternalTopics(workerId, config, plugins, statusLog, configTopic, statusTopic,
          offsetTopic, replication, compact);
      offsetStore = new TopicOffsetStore(offsetTopic, offsetPartitions, internal);
      worker = new Worker(workerId, config, plugins, offsetStore, statusLog);
      TopicOffsetStore store = offsetStore;
      offsetTail = new TopicTail(config.bootstrap(), worker.admin(), offsetTopic, store::onRecord);
      offsetStore.attach(offsetTail);
      statusTail = new TopicTail(config.bootstrap(), worker.admin(), statusTopic, statusLog::onRecord);
      DistributedHerder[] herderRef = new DistributedHerder[1];
      ConfigLog configLog = new ConfigLog(configTopic, internal, () -> {
        if (herderRef[0] != null) {
          herderRef[0].configChanged();
        }
      });
      configTail = new TopicTail(config.bootstrap(), worker.admin(), configTopic, configLog::onRecord);
      GroupConsumer membership = GroupConsumer.builder()
          .bootstrap(config.bootstrap())
          .groupId(groupId)
          .clientId("connect-worker-" + workerId)
          .autoCommit(false)
          .autoOffsetReset(Consumer.OffsetReset.LATEST)
          .sessionTimeoutMs(config.getInt(WorkerConfig.SESSION_TIMEOUT_MS))
          .maxPollRecords(100)
          .build();
      DistributedHerder herder = new DistributedHerder(worker, configLog, statusLog, configTail, offsetStore,
          membership, offsetTopic, offsetPartitions);
      herderRef[0] = herder;
      offsetTail.start();
      statusTail.start();
      configTail.start();
      herder.start();
      RestServer rest =
          new RestServer(herder, host, config.getInt(WorkerConfig.REST_PORT), worker.metrics()::prometheusText).start();
      return new ConnectDistributed(plugins, herder, rest, configTail, statusTail, offsetTail, internal);
    } catch (RuntimeException e) {
      for (AutoCloseable c : new AutoCloseable[] {configTail, statusTail, offsetTail, worker, internal}) {
        closeQuietly(c);
      }
      plugins.close();
      throw e;
    }
  }

  /**
   * Creates the internal topics unless they exist; retried for a while, since workers are often
   * started together with the nodes they use. Returns the offsets topic's partition count (the
   * topic may predate this worker with another count: the topic's count is what counts).
   */
  private static int setUpInternalTopics(String workerId, WorkerConfig config, Plugins plugins, StatusLog statusLog,
      String configTopic, String statusTopic, String offsetTopic, int replication, Map<String, String> compact) {
    long deadlineMs = System.currentTimeMillis() + SETUP_TIMEOUT_MS;
    while (true) {
      try (Worker setup = new Worker(workerId, config, plugins, null, statusLog)) {
        setup.ensureTopic(configTopic, 1, replication, compact);
        setup.ensureTopic(statusTopic, 1, replication, compact);
        setup.ensureTopic(offsetTopic, config.getInt(WorkerConfig.OFFSET_TOPIC_PARTITIONS), replication, compact);
        return setup.admin().describeTopic(offsetTopic).getPartitionsCount();
      } catch (dev.runnel.sdk.RunnelException e) {
        if (!e.retriable() && e.code() != io.grpc.Status.Code.DEADLINE_EXCEEDED || System.currentTimeMillis() > deadlineMs) {
          throw e;
        }
        org.slf4j.LoggerFactory.getLogger(ConnectDistributed.class)
            .warn("setting up the internal topics failed, retrying: {}", e.getMessage());
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** {@code runnel connect distributed} without the CLI: {@code ConnectDistributed worker.properties}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ConnectDistributed worker.properties");
      System.exit(2);
    }
    ConnectDistributed worker = start(dev.runnel.connect.PropertiesFiles.read(java.nio.file.Path.of(args[0])));
    System.out.println("connect distributed worker " + worker.herder().workerId() + ": REST API on port " + worker.restPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "connect-shutdown"));
    Thread.currentThread().join();
  }

  public Herder herder() {
    return herder;
  }

  public int restPort() {
    return rest.port();
  }

  @Override
  public void close() {
    closeQuietly(rest);
    closeQuietly(herder);
    for (AutoCloseable resource : resources) {
      closeQuietly(resource);
    }
    plugins.close();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Shutting down: carry on closing the rest.
    }
  }
}
