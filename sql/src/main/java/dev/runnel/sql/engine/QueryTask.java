package dev.runnel.sql.engine;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.state.ChangeloggedStore;
import dev.runnel.sql.state.KeyValueStore;
import dev.runnel.sql.state.LmdbStore;
import dev.runnel.sql.types.SqlType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one query on one partition: its state store (restored from the changelog when the
 * task starts), its processor, and for joins a consumer of the same partition of the right side.
 * Owned by the query's thread.
 */
final class QueryTask implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryTask.class);
  private static final Duration RESTORE_POLL = Duration.ofMillis(200);
  /** A restore that makes no progress for this long fails the task (the changelog is unreadable). */
  private static final long RESTORE_STALL_MS_MAX = 60_000;

  private final QueryRuntime query;
  private final int partition;
  private final LmdbStore lmdb;
  private final ChangeloggedStore store;
  private final StatelessProcessor stateless;
  private final AggregateProcessor aggregate;
  private final JoinProcessor join;
  private final Consumer side;
  private final RecordCodec sideCodec;
  private final List<SqlType> inputTypes;

  QueryTask(QueryRuntime query, int partition, Path stateDir, Producer producer, String changelogTopic) {
    this.query = query;
    this.partition = partition;
    QueryPlan plan = query.plan();
    Emitter emitter = query::emit;
    this.inputTypes = JoinProcessor.rowTypes(plan.input());
    boolean stateful = plan.isAggregation() || plan.join() != null;
    if (stateful) {
      this.lmdb = LmdbStore.openFresh(stateDir.resolve(Integer.toString(partition)));
      this.store = new ChangeloggedStore(lmdb, changelogTopic == null ? null
          : (k, v) -> producer.send(new ProducerRecord(changelogTopic, partition, k, v, List.of(), 0L)));
      if (changelogTopic != null) {
        restore(changelogTopic);
      }
    } else {
      this.lmdb = null;
      this.store = null;
    }
    this.stateless = stateful ? null : new StatelessProcessor(plan, emitter);
    this.aggregate = plan.isAggregation() ? new AggregateProcessor(plan, store, emitter, query.metrics()) : null;
    this.join = plan.join() != null ? new JoinProcessor(plan, store, emitter, query.metrics()) : null;
    if (join != null) {
      this.sideCodec = new RecordCodec(plan.join().right());
      this.side = Consumer.builder().bootstrap(query.config().bootstrap())
          .maxPollRecords(query.config().maxPollRecords()).fetchMaxWaitMs(50).build();
      TopicPartition tp = new TopicPartition(plan.join().right().topic(), partition);
      side.assign(List.of(tp));
      // Tables are re-read whole: the topic is their changelog. A stream side resumes where the
      // task's stored position says (kept in the store, so it survives with the changelog).
      byte[] pos = store.get(StoreKeys.single('O'));
      if (pos != null) {
        side.seek(tp, StoreKeys.readLong(pos, 0));
      } else {
        side.seekToBeginning(List.of(tp));
      }
      if (plan.join().right().isTable()) {
        catchUpSide(tp);
      }
    } else {
      this.side = null;
      this.sideCodec = null;
    }
  }

  private void restore(String changelogTopic) {
    long endOffset;
    try (Admin admin = Admin.builder().bootstrap(query.config().bootstrap()).build()) {
      endOffset = admin.listOffsets(changelogTopic, OffsetSpec.OFFSET_SPEC_LATEST).getOrDefault(partition, 0L);
    }
    if (endOffset <= 0) {
      return;
    }
    TopicPartition tp = new TopicPartition(changelogTopic, partition);
    long restored = 0;
    try (Consumer c = Consumer.builder().bootstrap(query.config().bootstrap()).maxPollRecords(5_000).build()) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long lastProgressMs = System.currentTimeMillis();
      while (c.position(tp) < endOffset) {
        List<ConsumerRecord> records = c.poll(RESTORE_POLL);
        for (ConsumerRecord r : records) {
          store.restore(r.key(), r.value());
        }
        restored += records.size();
        long now = System.currentTimeMillis();
        if (!records.isEmpty()) {
          lastProgressMs = now;
        } else if (now - lastProgressMs > RESTORE_STALL_MS_MAX) {
          throw new IllegalStateException("restoring " + tp + " stalled at offset " + c.position(tp) + " of " + endOffset);
        }
      }
    }
    lmdb.commit();
    query.metrics().restoredRecords.addAndGet(restored);
    LOG.info("query {} partition {}: restored {} state records from {}", query.id(), partition, restored, changelogTopic);
  }

  /** Reads the right-side table up to its current end, so the first stream rows find what it holds. */
  private void catchUpSide(TopicPartition tp) {
    long endOffset;
    try (Admin admin = Admin.builder().bootstrap(query.config().bootstrap()).build()) {
      endOffset = admin.listOffsets(tp.topic(), OffsetSpec.OFFSET_SPEC_LATEST).getOrDefault(tp.partition(), 0L);
    }
    long lastProgressMs = System.currentTimeMillis();
    while (side.position(tp) < endOffset) {
      if (pollSide(RESTORE_POLL) > 0) {
        lastProgressMs = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - lastProgressMs > RESTORE_STALL_MS_MAX) {
        throw new IllegalStateException("reading table " + tp + " stalled at offset " + side.position(tp) + " of " + endOffset);
      }
    }
    store.commit();
  }

  /** One record of the task's input (the source topic, or the repartition topic when {@code repartitioned}). */
  void process(ConsumerRecord r, boolean repartitioned) {
    QueryPlan plan = query.plan();
    Object[] row;
    boolean tombstone;
    if (repartitioned) {
      row = JoinProcessor.decodeRow(r.value(), inputTypes);
      int n = plan.input().columns().size();
      row[n] = r.timestampMs();
      row[n + 1] = r.partition();
      row[n + 2] = r.offset();
      tombstone = false;
    } else {
      RecordCodec.Decoded d = query.inputCodec().decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset());
      row = d.row();
      tombstone = d.tombstone();
    }
    int n = plan.input().columns().size();
    long ts = (Long) row[n];
    if (stateless != null) {
      stateless.process(row, tombstone, ts, (Long) row[n + 3], (Long) row[n + 4]);
    } else if (aggregate != null) {
      if (tombstone) {
        return;
      }
      if (!repartitioned && plan.where() != null && !Boolean.TRUE.equals(plan.where().eval(row))) {
        return;
      }
      aggregate.process(row, ts, r.offset());
    } else {
      join.left(row, tombstone, ts, r.offset());
    }
  }

  /** Reads what the right side of a join has; returns how many records it applied. */
  int pollSide(Duration timeout) {
    if (side == null) {
      return 0;
    }
    List<ConsumerRecord> records = side.poll(timeout);
    for (ConsumerRecord r : records) {
      query.metrics().recordsIn.incrementAndGet();
      try {
        RecordCodec.Decoded d = sideCodec.decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset());
        int n = query.plan().join().right().columns().size();
        join.right(d.row(), d.tombstone(), (Long) d.row()[n], r.offset());
      } catch (SqlException | ClassCastException | ArithmeticException e) {
        query.recordError(r, e);
      }
    }
    if (!records.isEmpty()) {
      TopicPartition tp = new TopicPartition(query.plan().join().right().topic(), partition);
      store.put(StoreKeys.single('O'), java.nio.ByteBuffer.allocate(8).putLong(side.position(tp)).array());
    }
    return records.size();
  }

  /** Hands the batch's state changes to the changelog and commits the local store. */
  void commit() {
    if (store != null) {
      store.commit();
    }
  }

  int partition() {
    return partition;
  }

  @Override
  public void close() {
    if (side != null) {
      side.close();
    }
    if (lmdb != null) {
      lmdb.destroy();
    }
  }
}
