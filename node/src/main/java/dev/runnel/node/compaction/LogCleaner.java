package dev.runnel.node.compaction;

import dev.runnel.node.NodeContext;
import dev.runnel.node.PartitionHandle;
import dev.runnel.node.TopicRules;
import dev.runnel.node.metrics.NodeMetrics;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.storage.CompactionPolicy;
import dev.runnel.storage.CompactionResult;
import dev.runnel.storage.KeyOffsetMap;
import dev.runnel.storage.LogCompactor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the topics whose cleanup.policy has {@code compact}, in the background, on every
 * replica (like Kafka, each replica compacts its own log; compaction is not replicated through
 * Raft, so it costs no consensus round and no network). One thread, one pass every {@code
 * log.cleaner.interval.ms} over the hosted partitions of compacted topics; each partition's
 * {@link LogCompactor} keeps what it mapped in earlier passes. Bounded: the key map is one fixed
 * buffer ({@code log.cleaner.dedupe.buffer.bytes}) reused by every partition, rewrites go a few
 * batches per LMDB transaction ({@code log.cleaner.batches.per.txn}, so appends never wait long),
 * and I/O is throttled to {@code log.cleaner.io.max.bytes.per.second}.
 */
public final class LogCleaner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
  /** Bytes read per read transaction while mapping keys. */
  private static final int READ_BYTES_MAX = 4 << 20;

  /** The node configs of the cleaner. */
  public record Settings(
      long intervalMs, long dedupeBufferBytes, long ioBytesPerSecondMax, int batchesPerTxn) {}

  private final NodeContext node;
  private final Settings settings;
  private final LongSupplier clockMs;
  private final NodeMetrics metrics;
  private final IoThrottle throttle;
  private final Map<PartitionHandle, LogCompactor> compactors = new HashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "runnel-log-cleaner");
            t.setDaemon(true);
            return t;
          });
  /** Allocated on the first pass that compacts something; cleaner thread only. */
  private KeyOffsetMap keyMap;

  public LogCleaner(NodeContext node, Settings settings, LongSupplier clockMs) {
    this.node = node;
    this.settings = settings;
    this.clockMs = clockMs;
    this.metrics = node.metrics();
    this.throttle = new IoThrottle(settings.ioBytesPerSecondMax(), System::nanoTime, Thread::sleep);
  }

  public void start() {
    timer.scheduleWithFixedDelay(
        this::pass, settings.intervalMs(), settings.intervalMs(), TimeUnit.MILLISECONDS);
  }

  /** One pass over the hosted partitions of compacted topics. Cleaner thread only. */
  void pass() {
    Set<PartitionHandle> seen = new HashSet<>();
    for (PartitionHandle handle : node.directory().hostedPartitions()) {
      seen.add(handle);
      try {
        clean(handle);
      } catch (IoThrottle.CleanerStoppedException e) {
        return;
      } catch (RuntimeException e) {
        metrics.cleanerErrors.inc();
        LOG.warn("compaction of {} skipped this pass: {}", handle, e.toString());
      }
    }
    compactors.keySet().retainAll(seen); // partitions that went away
  }

  private void clean(PartitionHandle handle) {
    if (handle.closed()) {
      return;
    }
    TopicRecord topic = node.directory().metadata().topic(handle.topic()).orElse(null);
    if (topic == null || !TopicRules.compacted(topic)) {
      compactors.remove(handle);
      return;
    }
    CompactionPolicy policy =
        new CompactionPolicy(
            TopicRules.longConfig(topic, TopicRules.MIN_COMPACTION_LAG_MS, 0),
            TopicRules.longConfig(
                topic, TopicRules.DELETE_RETENTION_MS, TopicRules.DELETE_RETENTION_MS_DEFAULT));
    LogCompactor compactor =
        compactors.computeIfAbsent(
            handle,
            h ->
                new LogCompactor(
                    h.log(),
                    new ProtoRecordCodec(node.batchDecompressedBytesMax()),
                    settings.batchesPerTxn(),
                    READ_BYTES_MAX));
    if (keyMap == null) {
      keyMap = new KeyOffsetMap(settings.dedupeBufferBytes());
    }
    CompactionResult result =
        compactor.compact(policy, clockMs.getAsLong(), keyMap, throttle::account);
    if (!result.ran()) {
      return;
    }
    metrics.cleanerPasses.inc();
    metrics.cleanerBytesRead.inc(result.bytesRead());
    metrics.cleanerBytesRemoved.inc(result.bytesFreed());
    metrics.cleanerBatchesRemoved.inc(result.batchesDeleted());
    metrics.cleanerBatchesRewritten.inc(result.batchesRewritten());
    if (result.batchesDeleted() + result.batchesRewritten() > 0) {
      LOG.info(
          "compacted {} up to offset {}: {} batches rewritten, {} removed, {} bytes freed",
          handle,
          result.cleanEndOffset(),
          result.batchesRewritten(),
          result.batchesDeleted(),
          result.bytesFreed());
    }
  }

  /** Stops the thread, waiting briefly for a running chunk to end before the logs close. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("the log cleaner did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
