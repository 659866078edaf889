package dev.runnel.node;

import dev.runnel.proto.internal.PartitionCommand;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.internal.TruncatePrefixCommand;
import dev.runnel.raft.RaftMessages;
import dev.runnel.storage.PartitionLog;
import dev.runnel.storage.RetentionPolicy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies retention.ms / retention.bytes. Only a partition's leader decides (from its own log and
 * clock), and the decision travels through Raft as a prefix truncation, so every replica deletes
 * exactly the same batches at the same point of its log. Each pass looks at a bounded number of
 * the oldest batches per partition; a long backlog is worked off over several passes.
 */
final class RetentionEnforcer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionEnforcer.class);
  /** Oldest batches examined per partition and pass: bounds the work and memory of one pass. */
  static final int BATCHES_PER_PASS = 1_000;

  private final NodeContext node;
  private final LongSupplier clockMs;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "runnel-retention");
            t.setDaemon(true);
            return t;
          });

  RetentionEnforcer(NodeContext node, LongSupplier clockMs) {
    this.node = node;
    this.clockMs = clockMs;
  }

  void start(long intervalMs) {
    timer.scheduleWithFixedDelay(this::pass, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** One pass over the partitions this node leads. */
  void pass() {
    for (PartitionHandle handle : node.directory().hostedPartitions()) {
      try {
        enforce(handle);
      } catch (RuntimeException e) {
        LOG.warn("retention of {} skipped this pass: {}", handle, e.toString());
      }
    }
  }

  private void enforce(PartitionHandle handle) {
    if (handle.closed() || node.leaderIdOf(handle) != node.nodeId()) {
      return;
    }
    TopicRecord topic = node.directory().metadata().topic(handle.topic()).orElse(null);
    if (topic == null || !TopicRules.deletes(topic)) {
      return; // cleanup.policy=compact: no retention by time or size
    }
    PartitionLog log = handle.log();
    long cutoff =
        RetentionPolicy.retentionCutoff(
            log.oldestBatches(BATCHES_PER_PASS),
            log.sizeBytes(),
            TopicRules.longConfig(topic, TopicRules.RETENTION_MS, -1),
            TopicRules.longConfig(topic, TopicRules.RETENTION_BYTES, -1),
            clockMs.getAsLong(),
            log.nextOffset());
    if (cutoff <= log.logStartOffset()) {
      return;
    }
    node.raft()
        .submit(
            handle.groupId(),
            RaftMessages.of(
                PartitionCommand.newBuilder()
                    .setTruncatePrefix(TruncatePrefixCommand.newBuilder().setOffset(cutoff))
                    .build()))
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                LOG.warn("retention of {} to offset {} failed: {}", handle, cutoff, failure.toString());
              } else {
                LOG.info("retention: {} now starts at offset {}", handle, cutoff);
              }
            });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
