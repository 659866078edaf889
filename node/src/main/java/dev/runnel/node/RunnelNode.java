package dev.runnel.node;

import com.codahale.metrics.jmx.JmxReporter;
import dev.runnel.node.grpc.AdminService;
import dev.runnel.node.grpc.BrokerService;
import dev.runnel.node.grpc.Forwarder;
import dev.runnel.node.grpc.GroupsService;
import dev.runnel.node.grpc.OffsetsService;
import dev.runnel.node.http.AdminHttpServer;
import dev.runnel.node.compaction.LogCleaner;
import dev.runnel.node.metrics.NodeMetrics;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.NodeRecord;
import dev.runnel.proto.internal.RegisterNodeCommand;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.raft.ControllerStateMachine;
import dev.runnel.raft.RaftHost;
import dev.runnel.raft.RaftIds;
import dev.runnel.raft.RaftSettings;
import dev.runnel.storage.LogConfig;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.ratis.conf.Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Runnel node: the Ratis server with the controller and partition groups, the client gRPC
 * port (Broker, Admin, Offsets, Groups, reflection, health) and the HTTP admin port.
 */
public final class RunnelNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunnelNode.class);
  /** How long start-up waits for the controller and then the partitions to elect leaders. */
  private static final long READY_TIMEOUT_MS = 60_000;
  /** Threads serving gRPC calls; calls never block on Raft (they complete asynchronously). */
  private static final int GRPC_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private final NodeConfig config;
  private final RaftHost raft;
  private final NodeContext context;
  private final Reconciler reconciler;
  private final RetentionEnforcer retention;
  private final LogCleaner cleaner;
  private final Server grpc;
  private final HealthStatusManager health;
  private final AdminHttpServer http;
  private final JmxReporter jmx;
  private final ExecutorService grpcExecutor;
  private final ExecutorService readExecutor;
  private final Heartbeater heartbeater;
  private volatile boolean closed;

  private RunnelNode(
      NodeConfig config,
      RaftHost raft,
      NodeContext context,
      Reconciler reconciler,
      RetentionEnforcer retention,
      LogCleaner cleaner,
      Server grpc,
      HealthStatusManager health,
      AdminHttpServer http,
      JmxReporter jmx,
      ExecutorService grpcExecutor,
      ExecutorService readExecutor,
      Heartbeater heartbeater) {
    this.config = config;
    this.raft = raft;
    this.context = context;
    this.reconciler = reconciler;
    this.retention = retention;
    this.cleaner = cleaner;
    this.grpc = grpc;
    this.health = health;
    this.http = http;
    this.jmx = jmx;
    this.grpcExecutor = grpcExecutor;
    this.readExecutor = readExecutor;
    this.heartbeater = heartbeater;
  }

  public static RunnelNode start(NodeConfig config) throws IOException {
    return start(config, new Parameters());
  }

  /**
   * Starts a node whose Raft server gets these Ratis parameters: the seam tests use to put a
   * fault filter on the Raft transport (package-private: no config can reach it).
   */
  static RunnelNode start(NodeConfig config, Parameters raftParameters) throws IOException {
    int nodeId = config.intValue("node.id");
    String host = config.string("host");
    ClusterIdentity.Identity identity = ClusterIdentity.loadOrCreate(config.dataDir(), nodeId);
    RaftSettings raftSettings =
        new RaftSettings(
            nodeId,
            host,
            config.intValue("raft.port") == 0 ? freePort(host) : config.intValue("raft.port"),
            config.dataDir().resolve("raft"),
            config.intValue("raft.election.timeout.min.ms"),
            config.intValue("raft.election.timeout.max.ms"),
            // The Raft entry holds a batch plus a small header.
            config.intValue("message.max.bytes") + 4096,
            config.longValue("raft.snapshot.every.entries"),
            config.longValue("raft.log.segment.bytes"),
            config.string("raft.log.fsync").equals("per-commit"),
            config.string("raft.log.payload").equals("separate"),
            Boolean.parseBoolean(config.string("raft.metrics.jmx")));
    LogConfig logConfig =
        new LogConfig(
            config.longValue("log.map.size.initial.bytes"),
            config.longValue("log.map.size.max.bytes"),
            config.longValue("log.disk.free.min.bytes"));
    RaftHost raft = RaftHost.start(raftSettings, logConfig, raftParameters);
    Heartbeater heartbeater = null;
    try {
      List<org.apache.ratis.protocol.RaftPeer> voters =
          QuorumVoters.parse(
              config.string("controller.quorum.voters"), nodeId, host, raftSettings.raftPort());
      raft.startController(voters);
      if (voters.stream().noneMatch(v -> v.getId().equals(raft.self().getId()))) {
        raft.joinControllerAsListener(voters, READY_TIMEOUT_MS);
      }
      awaitReady(
          () -> raft.hasLeaderAndCaughtUp(RaftIds.CONTROLLER_GROUP),
          "the controller quorum (" + config.string("controller.quorum.voters") + ")");
      ControllerStateMachine controller = raft.controller();
      PartitionDirectory directory = new PartitionDirectory(controller.metadata(), nodeId);
      NodeMetrics metrics = new NodeMetrics();
      Reconciler reconciler =
          new Reconciler(
              raft,
              controller.metadata(),
              directory,
              metrics,
              config.intValue("raft.append.entries.in.flight.max"));
      controller.addTopicListener(reconciler::reconcileSoon);

      ExecutorService readExecutor = Executors.newFixedThreadPool(GRPC_THREADS, named("runnel-read"));
      NodeContext context =
          new NodeContext(config, raft, directory, reconciler, metrics, readExecutor);
      registerGauges(metrics, directory, context);

      HealthStatusManager health = new HealthStatusManager();
      // The manager starts out SERVING; say so only once the partitions are led (below).
      health.setStatus("", ServingStatus.NOT_SERVING);
      ExecutorService grpcExecutor = Executors.newFixedThreadPool(GRPC_THREADS, named("runnel-grpc"));
      Server grpc =
          NettyServerBuilder.forAddress(new InetSocketAddress(host, config.intValue("grpc.port")))
              .executor(grpcExecutor)
              // Room for a batch of message.max.bytes plus the request around it; larger
              // messages are refused by gRPC before they are read into memory.
              .maxInboundMessageSize(2 * config.intValue("message.max.bytes") + (64 << 10))
              .intercept(Forwarder.interceptor())
              .addService(new BrokerService(context).bind())
              .addService(new AdminService(context))
              .addService(new OffsetsService(context))
              .addService(new GroupsService(context))
              .addService(ProtoReflectionServiceV1.newInstance())
              .addService(health.getHealthService())
              .build()
              .start();
      context.grpcPort(grpc.getPort());
      register(context, config, raftSettings.raftPort(), identity.clusterId());
      ClusterIdentity.agree(config.dataDir(), nodeId, identity, context.clusterId());
      heartbeater = new Heartbeater(context, System::currentTimeMillis);
      heartbeater.start(config.intValue("node.heartbeat.interval.ms"));
      reconciler.reconcileSoon().join();
      // Serve once the recovered partitions have leaders, so the first requests after a restart
      // do not all bounce with NOT_LEADER.
      awaitReady(
          () -> directory.allLed(raft), "the hosted partitions", () -> directory.notLed(raft));
      health.setStatus("", ServingStatus.SERVING);
      RetentionEnforcer retention = new RetentionEnforcer(context, System::currentTimeMillis);
      retention.start(config.longValue("log.retention.check.interval.ms"));
      LogCleaner cleaner = new LogCleaner(context, cleanerSettings(config), System::currentTimeMillis);
      cleaner.start();

      AdminHttpServer http =
          AdminHttpServer.start(
              host,
              config.intValue("http.port"),
              metrics::prometheusText,
              () -> !grpc.isShutdown(),
              () -> raft.hasLeaderAndCaughtUp(RaftIds.CONTROLLER_GROUP) && directory.allLed(raft));
      JmxReporter jmx = JmxReporter.forRegistry(metrics.registry()).inDomain("runnel").build();
      jmx.start();
      RunnelNode node =
          new RunnelNode(
              config,
              raft,
              context,
              reconciler,
              retention,
              cleaner,
              grpc,
              health,
              http,
              jmx,
              grpcExecutor,
              readExecutor,
              heartbeater);
      LOG.info(
          "Runnel node {} of cluster {} is up: gRPC {}:{}  raft {}:{}  http http://{}:{}/  data {}",
          nodeId,
          context.clusterId(),
          host,
          grpc.getPort(),
          host,
          raftSettings.raftPort(),
          host,
          http.port(),
          config.dataDir().toAbsolutePath().normalize());
      return node;
    } catch (RuntimeException | IOException e) {
      if (heartbeater != null) {
        heartbeater.close();
      }
      raft.close();
      throw e;
    }
  }

  /** Records (or updates) this node's addresses in the controller, so others can reach it. */
  private static void register(
      NodeContext context, NodeConfig config, int raftPort, String clusterId) throws IOException {
    NodeRecord self =
        NodeRecord.newBuilder()
            .setId(context.nodeId())
            .setHost(config.string("host"))
            .setGrpcPort(context.grpcPort())
            .setRaftPort(raftPort)
            .setRack(config.string("rack"))
            .build();
    // Registering counts as the first heartbeat: a node is placeable the moment it registered.
    try {
      context
          .submitController(
              ControllerCommand.newBuilder()
                  .setRegisterNode(
                      RegisterNodeCommand.newBuilder()
                          .setNode(self)
                          .setClusterId(clusterId)
                          .setHeartbeatMs(System.currentTimeMillis()))
                  .build())
          .get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while registering with the controller", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Say where this node's controller replica stands: registering waits until the local copy
      // has applied the registration, so a replica that does not catch up shows here.
      throw new IOException(
          "cannot register with the controller ("
              + context.raft().progress(RaftIds.CONTROLLER_GROUP)
              + "): "
              + e,
          e);
    }
  }

  private static void awaitReady(BooleanSupplier ready, String what) throws IOException {
    awaitReady(ready, what, () -> "");
  }

  /** As above; {@code stuck} says, when the wait times out, what is still not ready and why. */
  private static void awaitReady(BooleanSupplier ready, String what, Supplier<String> stuck)
      throws IOException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    while (!ready.getAsBoolean()) {
      if (System.nanoTime() > deadlineNs) {
        String detail = stuck.get();
        throw new IOException(
            what
                + " did not become ready in "
                + READY_TIMEOUT_MS
                + " ms"
                + (detail.isEmpty() ? "" : ": " + detail));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static void registerGauges(
      NodeMetrics metrics, PartitionDirectory directory, NodeContext context) {
    metrics.gauge("runnel.partitions.hosted", () -> directory.hosted().size());
    metrics.gauge(
        "runnel.log.size.bytes",
        () -> directory.hosted().values().stream().mapToLong(h -> h.log().sizeBytes()).sum());
    metrics.gauge(
        "runnel.lmdb.map.size.bytes",
        () -> directory.hosted().values().stream().mapToLong(h -> h.log().mapSizeBytes()).sum());
    metrics.gauge("runnel.subscribe.streams.open", () -> context.subscriptions().openCount());
    metrics.gauge(
        "runnel.partitions.catch.ups",
        () ->
            directory.hosted().values().stream()
                .map(h -> context.raft().partition(h.groupId()))
                .mapToLong(sm -> sm == null ? 0 : sm.catchUps())
                .sum());
    metrics.gauge(
        "runnel.controller.catch.ups",
        () -> {
          try {
            return context.raft().controller().catchUps();
          } catch (IOException e) {
            return 0;
          }
        });
    metrics.gauge("runnel.groups", () -> context.groups().groupCount());
    metrics.gauge("runnel.group.members.total", () -> context.groups().memberCount());
    GroupMetrics groupMetrics = new GroupMetrics(context, context.config().intValue("group.metrics.partitions.max"));
    metrics.addFamilies(groupMetrics::families);
  }

  private static int freePort(String host) throws IOException {
    try (var socket = new java.net.ServerSocket()) {
      socket.bind(new InetSocketAddress(host, 0));
      return socket.getLocalPort();
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public int grpcPort() {
    return grpc.getPort();
  }

  public int httpPort() {
    return http.port();
  }

  /** Whether this node holds a replica of the partition (its Raft group is open here). */
  public boolean hostsReplica(String topic, int partition) {
    TopicRecord record = context.directory().metadata().topics().get(topic);
    return record != null && context.directory().find(record, partition) != null;
  }

  /** The log start offset of this node's own replica of a partition (for tests and tools). */
  public long describeLocal(String topic, int partition) {
    return context.directory().get(topic, partition).log().logStartOffset();
  }

  /** The Raft log index this node's replica of a partition has on disk (for tests). */
  long raftFlushedIndex(String topic, int partition) {
    return raft.flushedIndex(context.directory().get(topic, partition).groupId());
  }

  /**
   * The Raft log index of the last entry this node's replica of a partition applied to its log (for
   * tests). Unlike Ratis' applied index it ignores entries of Ratis' own (a new leader's first
   * entry, configuration changes).
   */
  long lastAppliedLogEntry(String topic, int partition) {
    return context.directory().get(topic, partition).log().lastAppliedIndex();
  }

  public NodeMetrics metrics() {
    return context.metrics();
  }

  public NodeConfig config() {
    return config;
  }

  /** This node's role in the controller group: LEADER, FOLLOWER or (a non-voter) LISTENER. */
  String controllerRole() {
    return String.valueOf(raft.controllerRole());
  }

  /** Whether this node's own copy of the cluster metadata has the topic. */
  boolean localMetadataHasTopic(String topic) {
    return context.directory().metadata().topics().containsKey(topic);
  }

  /** Nodes registered in this node's copy of the cluster metadata. */
  int registeredNodes() {
    return context.directory().metadata().nodes().size();
  }

  private static LogCleaner.Settings cleanerSettings(NodeConfig config) {
    return new LogCleaner.Settings(
        config.longValue("log.cleaner.interval.ms"),
        config.longValue("log.cleaner.dedupe.buffer.bytes"),
        config.longValue("log.cleaner.io.max.bytes.per.second"),
        config.intValue("log.cleaner.batches.per.txn"));
  }

  /** Blocks until the node is closed. */
  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  /**
   * Graceful stop: stop taking calls, let in-flight calls finish (up to shutdown.grace.ms), end
   * subscriptions so clients move on, then close Raft (which syncs every partition log).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("shutting down node {}", config.intValue("node.id"));
    // First stop heartbeating: from here on the controller should be able to see this node go.
    heartbeater.close();
    health.enterTerminalState();
    context.subscriptions().closeAll();
    context.groups().close();
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(config.intValue("shutdown.grace.ms"), TimeUnit.MILLISECONDS)) {
        LOG.warn("in-flight calls did not finish within shutdown.grace.ms; cancelling them");
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    http.close();
    jmx.stop();
    context.forwarder().close();
    context.preferredLeaders().close();
    retention.close();
    cleaner.close();
    reconciler.close();
    try {
      raft.close();
    } catch (IOException e) {
      LOG.warn("raft server did not close cleanly: {}", e.toString());
    }
    grpcExecutor.shutdownNow();
    readExecutor.shutdownNow();
    LOG.info("node {} stopped", config.intValue("node.id"));
  }
}
