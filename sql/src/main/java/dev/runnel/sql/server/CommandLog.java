package dev.runnel.sql.server;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.ClusterUnavailableException;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.StatementResult;
import dev.runnel.sql.parser.SqlParser;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command topic of a SQL service ({@code _runnel_sql_<service.id>_command}, one partition):
 * the ordered log of the statements that change what the service runs. Every server of the
 * service follows it from offset 0 and applies each command to its engine, so they all run the
 * same queries, named alike (a query is named after its command's offset), and a restarted server
 * gets its queries back by replaying it.
 *
 * <p>A server that receives such a statement appends it and then waits until its own follower
 * has applied it, so the answer it gives is the outcome every server computes. One thread (the
 * follower) applies commands; only it calls the engine's executeCommand.
 */
final class CommandLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommandLog.class);
  /** Outcomes kept for servers waiting on their own commands; older ones are long answered. */
  private static final int OUTCOMES_KEPT_MAX = 1_024;
  private static final Duration POLL = Duration.ofMillis(200);
  /** A command failing with a transient cluster error is tried this often (about a minute in all). */
  private static final int APPLY_ATTEMPTS_MAX = 30;
  private static final long APPLY_BACKOFF_MS_MAX = 2_000;

  /** What applying one command did: a result, or the user-facing error. */
  record Outcome(StatementResult result, SqlException error) {}

  private final String bootstrap;
  private final String topic;
  private final SqlEngine engine;
  private final Producer producer;
  private final Map<Long, Outcome> outcomes = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Outcome> eldest) {
      return size() > OUTCOMES_KEPT_MAX;
    }
  };
  private final Thread follower;
  private volatile boolean stopping;
  /** Offset of the last command applied; -1 before the first. Guarded by this. */
  private long appliedOffset = -1;
  private long applied;
  private String failure;

  CommandLog(String bootstrap, String serviceId, SqlEngine engine) {
    this.bootstrap = bootstrap;
    this.topic = topicName(serviceId);
    this.engine = engine;
    this.producer = Producer.builder().bootstrap(bootstrap).lingerMs(0).build();
    this.follower = new Thread(this::follow, "sql-command-log-" + serviceId);
    this.follower.setDaemon(true);
  }

  static String topicName(String serviceId) {
    return "_runnel_sql_" + serviceId + "_command";
  }

  String topic() {
    return topic;
  }

  /**
   * Creates the topic if needed (one partition, RF = min(3, nodes)), starts following it and
   * waits until every command that was there at start is applied, then starts the persistent
   * queries still running at the end of it: the server then runs what the service runs.
   */
  void startAndReplay(Duration timeout) {
    long endOffset;
    try (Admin admin = Admin.builder().bootstrap(bootstrap).build()) {
      int nodes = Math.max(1, admin.describeCluster().getNodesCount());
      try {
        admin.createTopic(topic, 1, Math.min(3, nodes), Map.of());
      } catch (RunnelException e) {
        if (e.reason() != ErrorReason.TOPIC_ALREADY_EXISTS) {
          throw e;
        }
      }
      endOffset = admin.listOffsets(topic, OffsetSpec.OFFSET_SPEC_LATEST).getOrDefault(0, 0L);
    }
    // The queries of the replayed commands start only once all of them are applied, so a query
    // that a later command terminates does not run (and write) again in between.
    engine.deferQueryStarts();
    follower.start();
    if (!awaitApplied(endOffset - 1, timeout)) {
      throw new IllegalStateException("replaying " + topic + " up to offset " + endOffset + " took over " + timeout
          + (failure != null ? ": " + failure : ""));
    }
    engine.startDeferredQueries();
    LOG.info("replayed {} commands of {}", endOffset, topic);
  }

  /** Appends a command; returns its offset. */
  long append(Command command) {
    return producer.sendSync(new ProducerRecord(topic, 0, null, command.encode(), List.of(), System.currentTimeMillis()))
        .offset();
  }

  /** Waits until the command at {@code offset} is applied here; false on timeout. */
  synchronized boolean awaitApplied(long offset, Duration timeout) {
    long deadlineNs = System.nanoTime() + timeout.toNanos();
    while (appliedOffset < offset) {
      long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0 || stopping) {
        return false;
      }
      try {
        wait(leftMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** The outcome of the command at {@code offset}, once applied (null if not kept). */
  synchronized Outcome outcome(long offset) {
    return outcomes.get(offset);
  }

  /** False once following the topic failed: this server no longer learns the service's statements. */
  synchronized boolean healthy() {
    return failure == null && !stopping;
  }

  synchronized long appliedCommands() {
    return applied;
  }

  private void follow() {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Consumer consumer = Consumer.builder().bootstrap(bootstrap).fetchMaxWaitMs(200).build()) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      while (!stopping) {
        for (ConsumerRecord r : consumer.poll(POLL)) {
          if (stopping) {
            return;
          }
          Outcome outcome = apply(r);
          synchronized (this) {
            outcomes.put(r.offset(), outcome);
            appliedOffset = r.offset();
            applied++;
            notifyAll();
          }
        }
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        LOG.error("following {} failed; this server no longer follows its service's statements", topic, e);
        synchronized (this) {
          failure = e.toString();
          notifyAll();
        }
      }
    }
  }

  private Outcome apply(ConsumerRecord r) {
    Command command;
    try {
      command = Command.decode(r.value());
    } catch (IllegalArgumentException e) {
      LOG.warn("{}@{} is not a command, skipped: {}", topic, r.offset(), e.getMessage());
      return new Outcome(null, new SqlException("not a command: " + e.getMessage()));
    }
    try {
      SqlParser.Parsed parsed = SqlParser.parseOne(command.statement());
      StatementResult result = executeRetrying(parsed, command.properties(), r.offset());
      LOG.debug("applied command {}: {}", r.offset(), command.statement());
      return new Outcome(result, null);
    } catch (SqlException e) {
      // Deterministic: every server fails this command the same way and goes on.
      LOG.info("command {} failed here as everywhere: {} ({})", r.offset(), e.describe(), command.statement());
      return new Outcome(null, e);
    } catch (RuntimeException e) {
      LOG.error("command {} failed: {}", r.offset(), command.statement(), e);
      return new Outcome(null, new SqlException("Failed: " + e));
    }
  }

  /**
   * Runs a command, again after a transient cluster error: every server must end up with the same
   * outcome, and a partition that is not open yet on one node is no reason to differ.
   */
  private StatementResult executeRetrying(SqlParser.Parsed parsed, Map<String, String> props, long offset) {
    long backoffMs = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        return engine.executeCommand(parsed, props, offset);
      } catch (ClusterUnavailableException e) {
        if (attempt >= APPLY_ATTEMPTS_MAX || stopping) {
          throw e;
        }
        LOG.info("command {}: {}; attempt {} of {} in {} ms", offset, e.getMessage(), attempt + 1, APPLY_ATTEMPTS_MAX, backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMs = Math.min(APPLY_BACKOFF_MS_MAX, backoffMs * 2);
      }
    }
  }

  @Override
  public void close() {
    stopping = true;
    synchronized (this) {
      notifyAll();
    }
    try {
      follower.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
