package dev.runnel.sql.engine;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RebalanceListener;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.types.SqlType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running query: one thread with a group consumer named after the query, one {@link QueryTask}
 * per partition it is assigned. Rows go to a topic (persistent query) or a listener (push query).
 *
 * <p>Data flow. A query whose GROUP BY (or join key) is not its input's key first re-keys its
 * input into an internal repartition topic ("stage 1"), so that all rows of a key reach one task;
 * the tasks read that topic ("stage 2"). Inputs with one partition skip the repartition topic.
 *
 * <p>Delivery. After each polled batch: the tasks hand their state changes to the changelog,
 * the producer flushes (results, repartitioned rows, changelog), and only then are the input
 * offsets committed. A crash re-reads at most the last batch; aggregates and join buffers skip
 * records their state already holds, so results may repeat but state never double-counts.
 */
public final class QueryRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryRuntime.class);
  private static final int ERROR_LOGS_MAX = 10;
  private static final long CLOSE_WAIT_MS = 30_000;
  /** How long each loop waits for a join's right side; a zero wait would never send a fetch. */
  private static final Duration SIDE_POLL = Duration.ofMillis(5);

  /** Lifecycle; {@link #state(State, String)} is the one transition point. */
  public enum State { PENDING, RUNNING, ERROR, TERMINATED }

  private final String id;
  private final String sql;
  private final QueryPlan plan;
  private final DataSource sinkSource;
  private final RowListener listener;
  private final SqlConfig config;
  private final Consumer.OffsetReset reset;
  private final QueryMetrics metrics = new QueryMetrics();
  private final RecordCodec inputCodec;
  private final String groupId;
  private final String repartitionTopic;
  private final String changelogTopic;
  private final Path stateDir;
  private final Map<Integer, QueryTask> tasks = new TreeMap<>();
  private final Thread thread;
  /** The partitions this instance works on now, published by the query thread for SHOW/tests. */
  private volatile java.util.Set<Integer> taskPartitions = java.util.Set.of();
  private volatile State state = State.PENDING;
  private volatile boolean started;
  private volatile String error;
  private volatile boolean stopping;
  private Producer producer;
  private GroupConsumer consumer;
  private Sink sink;

  /** {@code sinkSource} null and {@code listener} set: a push query (nothing persistent is created). */
  public QueryRuntime(String id, String sql, QueryPlan plan, DataSource sinkSource, RowListener listener,
      SqlConfig config, Consumer.OffsetReset reset) {
    this.id = id;
    this.sql = sql;
    this.plan = plan;
    this.sinkSource = sinkSource;
    this.listener = listener;
    this.config = config;
    this.reset = reset;
    this.inputCodec = new RecordCodec(plan.input());
    boolean persistent = sinkSource != null;
    String prefix = config.internalPrefix() + (persistent ? "" : "transient-");
    this.groupId = prefix + "query-" + id;
    boolean needsRepartition = plan.input().partitions() > 1
        && ((plan.isAggregation() && plan.aggregation().repartition()) || (plan.join() != null && plan.join().repartitionLeft()));
    this.repartitionTopic = needsRepartition ? prefix + id + "-repartition" : null;
    boolean stateful = plan.isAggregation() || plan.join() != null;
    this.changelogTopic = persistent && stateful ? prefix + id + "-changelog" : null;
    this.stateDir = config.stateDir().resolve(id);
    this.thread = new Thread(this::run, "sql-query-" + id);
    this.thread.setDaemon(true);
  }

  public String id() {
    return id;
  }

  public String sql() {
    return sql;
  }

  public QueryPlan plan() {
    return plan;
  }

  public DataSource sinkSource() {
    return sinkSource;
  }

  public QueryMetrics metrics() {
    return metrics;
  }

  public State state() {
    return state;
  }

  /** Why the query failed, or null. */
  public String error() {
    return error;
  }

  /** The internal topics this query uses (repartition, changelog); they go when the query is terminated. */
  public List<String> internalTopics() {
    List<String> out = new ArrayList<>();
    if (repartitionTopic != null) {
      out.add(repartitionTopic);
    }
    if (changelogTopic != null) {
      out.add(changelogTopic);
    }
    return out;
  }

  /** The partitions (of the input, or of the repartition topic) this instance has tasks for. */
  public java.util.Set<Integer> taskPartitions() {
    return taskPartitions;
  }

  public String consumerGroup() {
    return groupId;
  }

  SqlConfig config() {
    return config;
  }

  RecordCodec inputCodec() {
    return inputCodec;
  }

  /** True once {@link #start} was called. */
  public boolean started() {
    return started;
  }

  /** Creates the internal topics and starts the query's thread. */
  public void start() {
    started = true;
    try (Admin admin = Admin.builder().bootstrap(config.bootstrap()).build()) {
      int partitions = plan.input().partitions();
      if (repartitionTopic != null) {
        ensureTopic(admin, repartitionTopic, partitions, Map.of());
      }
      if (changelogTopic != null) {
        ensureTopic(admin, changelogTopic, partitions, Map.of("cleanup.policy", "compact"));
      }
    }
    thread.start();
  }

  static void ensureTopic(Admin admin, String name, int partitions, Map<String, String> configs) {
    try {
      admin.createTopic(name, partitions, 0, configs);
    } catch (RunnelException e) {
      if (e.retriable()) {
        throw e; // the engine reports it as ClusterUnavailableException: running the statement again may work
      }
      if (e.reason() != ErrorReason.TOPIC_ALREADY_EXISTS) {
        throw new SqlException("Cannot create topic " + name + ": " + e.getMessage(), e);
      }
    }
  }

  private void run() {
    try {
      producer = Producer.builder().bootstrap(config.bootstrap()).lingerMs(config.producerLingerMs()).build();
      sink = sinkSource != null ? new Sink.TopicSink(producer, sinkSource, plan) : new Sink.ListenerSink(listener, plan);
      consumer = GroupConsumer.builder().bootstrap(config.bootstrap()).groupId(groupId).clientId("sql-" + id)
          .autoCommit(false).autoOffsetReset(reset).maxPollRecords(config.maxPollRecords()).fetchMaxWaitMs(100).build();
      List<String> topics = new ArrayList<>();
      topics.add(stage2Topic());
      if (repartitionTopic != null) {
        topics.add(plan.input().topic());
      }
      consumer.subscribe(topics, new Rebalance());
      state(State.RUNNING, "started");
      Duration poll = Duration.ofMillis(config.pollTimeoutMs());
      while (!stopping) {
        // Table sides first: a stream row then sees the table updates read so far.
        int applied = 0;
        for (QueryTask t : tasks.values()) {
          applied += t.pollSide(SIDE_POLL);
        }
        List<ConsumerRecord> records = consumer.poll(poll);
        for (ConsumerRecord r : records) {
          if (stopping) {
            break;
          }
          route(r);
        }
        if (!records.isEmpty() || applied > 0) {
          commit();
        }
      }
      commit();
      state(State.TERMINATED, stopping ? "stopped" : "ended");
    } catch (RuntimeException e) {
      if (stopping) {
        state(State.TERMINATED, "stopped: " + e.getMessage());
      } else {
        error = e.getMessage() == null ? e.toString() : e.getMessage();
        LOG.error("query {} failed", id, e);
        state(State.ERROR, error);
      }
    } finally {
      closeQuietly();
      if (listener != null) {
        listener.onEnd(state == State.ERROR ? error : null);
      }
    }
  }

  private String stage2Topic() {
    return repartitionTopic != null ? repartitionTopic : plan.input().topic();
  }

  private void route(ConsumerRecord r) {
    metrics.recordsIn.incrementAndGet();
    try {
      if (repartitionTopic != null && r.topic().equals(plan.input().topic())) {
        repartition(r);
        return;
      }
      QueryTask task = tasks.get(r.partition());
      if (task == null) {
        throw new IllegalStateException("record of unassigned partition " + r.partition());
      }
      task.process(r, repartitionTopic != null);
    } catch (SqlException | ClassCastException | ArithmeticException | IndexOutOfBoundsException e) {
      recordError(r, e);
    }
  }

  /** Stage 1: WHERE (for aggregations), then the row goes to the repartition topic keyed by its new key. */
  private void repartition(ConsumerRecord r) {
    RecordCodec.Decoded d = inputCodec.decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset());
    if (d.tombstone()) {
      return;
    }
    Object[] row = d.row();
    byte[] key;
    if (plan.isAggregation()) {
      if (plan.where() != null && !Boolean.TRUE.equals(plan.where().eval(row))) {
        return;
      }
      Object[] group = new Object[plan.aggregation().groupBy().length];
      for (int i = 0; i < group.length; i++) {
        group[i] = plan.aggregation().groupBy()[i].eval(row);
        if (group[i] == null) {
          metrics.nullKeyDropped.incrementAndGet();
          return;
        }
      }
      key = groupKeyBytes(group, plan.aggregation().groupTypes());
    } else {
      Object k = plan.join().leftKey().eval(row);
      if (k == null) {
        metrics.nullKeyDropped.incrementAndGet();
        return;
      }
      // Encoded as the right side encodes its keys, so the partitioner puts it where the right side's key is.
      key = new RecordCodec(plan.join().right()).encodeKey(new Object[] {k}, null, null);
    }
    long ts = (Long) row[plan.input().columns().size()];
    byte[] value = JoinProcessor.encodeRow(row, JoinProcessor.rowTypes(plan.input()));
    producer.send(new ProducerRecord(repartitionTopic, null, key, value, List.of(), Math.max(0, ts)));
  }

  static byte[] groupKeyBytes(Object[] key, List<SqlType> types) {
    com.fasterxml.jackson.databind.node.ArrayNode a = dev.runnel.sql.types.Values.JSON.createArrayNode();
    for (int i = 0; i < key.length; i++) {
      a.add(dev.runnel.sql.types.Values.toJson(key[i], types.get(i)));
    }
    return a.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Called by processors (on this query's thread). */
  void emit(Object[] row, boolean tombstone, Long windowStart, Long windowEnd, long timestampMs) {
    if (stopping) {
      return;
    }
    metrics.rowsOut.incrementAndGet();
    if (!sink.accept(row, tombstone, windowStart, windowEnd, timestampMs)) {
      stopping = true;
    }
  }

  void recordError(ConsumerRecord r, RuntimeException e) {
    long n = metrics.processingErrors.incrementAndGet();
    if (n <= ERROR_LOGS_MAX || n % 1_000 == 0) {
      LOG.warn("query {}: skipped record {}-{}@{} ({} so far): {}", id, r.topic(), r.partition(), r.offset(), n,
          e instanceof SqlException ? e.getMessage() : e.toString());
    }
  }

  private void commit() {
    metrics.commits.incrementAndGet();
    for (QueryTask t : tasks.values()) {
      t.commit();
    }
    if (producer != null) {
      producer.flush();
    }
    if (consumer != null && consumer.memberId() != null) {
      try {
        consumer.commitSync();
      } catch (RunnelException e) {
        // Fenced or rejoining: the partitions move; the next owner re-reads from the last commit.
        LOG.info("query {}: commit refused ({}); records since the last commit will be re-read", id, e.getMessage());
      }
    }
  }

  private final class Rebalance implements RebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        if (tp.topic().equals(stage2Topic()) && !tasks.containsKey(tp.partition())) {
          tasks.put(tp.partition(), new QueryTask(QueryRuntime.this, tp.partition(), stateDir, producer, changelogTopic));
        }
      }
      taskPartitions = java.util.Set.copyOf(tasks.keySet());
      LOG.info("query {}: tasks {}", id, tasks.keySet());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commit();
      drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    private void drop(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        if (tp.topic().equals(stage2Topic())) {
          QueryTask t = tasks.remove(tp.partition());
          if (t != null) {
            t.close();
          }
        }
      }
      taskPartitions = java.util.Set.copyOf(tasks.keySet());
    }
  }

  private synchronized void state(State next, String reason) {
    State old = state;
    if (old == State.TERMINATED || old == State.ERROR) {
      return;
    }
    state = next;
    LOG.info("query {}: {} -> {} ({})", id, old, next, reason);
  }

  private void closeQuietly() {
    for (QueryTask t : tasks.values()) {
      try {
        t.close();
      } catch (RuntimeException e) {
        LOG.warn("query {}: closing task {}: {}", id, t.partition(), e.toString());
      }
    }
    tasks.clear();
    if (consumer != null) {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        LOG.debug("query {}: consumer close: {}", id, e.toString());
      }
    }
    if (producer != null) {
      try {
        producer.close();
      } catch (RuntimeException e) {
        LOG.debug("query {}: producer close: {}", id, e.toString());
      }
    }
  }

  /** Stops the query (committing what it processed) and waits for its thread. */
  @Override
  public void close() {
    stopping = true;
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(CLOSE_WAIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (state == State.PENDING) {
      state(State.TERMINATED, "never started");
    }
  }
}
