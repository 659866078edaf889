package dev.runnel.sql.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.proto.Partitioning;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.expr.Evaluator;
import dev.runnel.sql.format.RecordCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Pull queries: the current rows of a table, e.g. {@code SELECT * FROM totals WHERE id = 'a';}.
 *
 * <p>How: the table's topic is read from its start up to its end offsets at the time of the
 * query, keeping the latest record per key (a tombstone deletes it); then WHERE and the projection
 * are applied. When WHERE pins the whole key to one value ({@link PinnedKey}), only the partition
 * that key is routed to is read: the same murmur2 rule ({@link Partitioning}) every producer uses,
 * the engine's included, so no other partition can hold the key. Any server of the service answers
 * any key (no forwarding is needed, as the topic is shared), at the cost of reading the topic (or
 * the key's partition): bounded by {@code recordsReadMax}. Serving from the writing query's local
 * state would be cheaper and is not done yet.
 */
final class PullQueries {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private final SqlEngine engine;
  private final int recordsReadMax;

  /** {@code recordsReadMax}: a pull query reads at most this many records; a bigger table needs a push query. */
  PullQueries(SqlEngine engine, int recordsReadMax) {
    this.engine = engine;
    this.recordsReadMax = recordsReadMax;
  }

  /** The response body: a JSON array with the header and one element per row. */
  ArrayNode run(Statement.SelectStatement select, String text) {
    QueryPlan plan = engine.planPull(select);
    // planPull refuses anything but one table, so FROM is a SourceRef here.
    Query.SourceRef from = (Query.SourceRef) select.query().from();
    Object[] key = PinnedKey.of(select.query().where(), plan.input(), from.alias());
    return rows(plan, latestRows(plan, key));
  }

  /** The latest row per key of the table's topic, or of {@code key}'s partition when it is not null. */
  private Map<ByteBuffer, Object[]> latestRows(QueryPlan plan, Object[] key) {
    RecordCodec codec = new RecordCodec(plan.input());
    Map<ByteBuffer, Object[]> latest = new LinkedHashMap<>();
    String topic = plan.input().topic();
    long read = 0;
    long deadlineNs = System.nanoTime() + READ_TIMEOUT.toNanos();
    try (Admin admin = Admin.builder().bootstrap(engine.config().bootstrap()).build();
        Consumer consumer = Consumer.builder().bootstrap(engine.config().bootstrap()).fetchMaxWaitMs(100).build()) {
      Map<Integer, Long> ends = admin.listOffsets(topic, OffsetSpec.OFFSET_SPEC_LATEST);
      List<TopicPartition> tps = new ArrayList<>();
      for (int p : partitionsToRead(codec, key, ends.size())) {
        if (ends.getOrDefault(p, 0L) > 0) {
          tps.add(new TopicPartition(topic, p));
        }
      }
      if (tps.isEmpty()) {
        return latest;
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      List<TopicPartition> pending = new ArrayList<>(tps);
      while (!pending.isEmpty()) {
        if (System.nanoTime() > deadlineNs) {
          throw new SqlException("The pull query did not finish reading " + topic + " within " + READ_TIMEOUT.toSeconds() + " s");
        }
        for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= ends.get(r.partition())) {
            continue;
          }
          if (++read > recordsReadMax) {
            throw new SqlException("Table " + plan.input().name() + " is too big for a pull query (over " + recordsReadMax
                + " records " + (key == null ? "in its topic" : "in the key's partition") + "): use a push query (EMIT CHANGES)");
          }
          RecordCodec.Decoded d = codec.decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset());
          ByteBuffer k = ByteBuffer.wrap(r.key() == null ? new byte[0] : r.key());
          latest.remove(k); // re-insert: rows come out in the order of their latest update
          if (!d.tombstone()) {
            latest.put(k, d.row());
          }
        }
        pending.removeIf(tp -> consumer.position(tp) >= ends.get(tp.partition()));
      }
    }
    return latest;
  }

  /** All partitions, or only the one a pinned key is routed to. */
  private static List<Integer> partitionsToRead(RecordCodec codec, Object[] key, int partitionCount) {
    if (partitionCount <= 0) {
      throw new IllegalStateException("a topic without partitions: " + codec.source().topic());
    }
    if (key == null) {
      return IntStream.range(0, partitionCount).boxed().toList();
    }
    return List.of(Partitioning.partitionForKey(codec.encodeKey(key, null, null), partitionCount));
  }

  private static ArrayNode rows(QueryPlan plan, Map<ByteBuffer, Object[]> latest) {
    ArrayNode out = KsqlJson.MAPPER.createArrayNode();
    boolean windowed = plan.input().window() != null;
    out.add(KsqlJson.queryHeader("pull_" + plan.input().name(), plan.outputColumns(), windowed));
    int size = plan.input().columns().size();
    List<String> names = plan.outputColumns().stream().map(c -> c.name()).toList();
    int limit = plan.limit() == null ? Integer.MAX_VALUE : plan.limit();
    for (Object[] row : latest.values()) {
      if (out.size() - 1 >= limit) { // the first element is the header
        break;
      }
      if (plan.where() != null && !Boolean.TRUE.equals(plan.where().eval(row))) {
        continue;
      }
      Evaluator[] projection = plan.projection();
      Object[] values = new Object[projection.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = projection[i].eval(row);
      }
      Long windowStart = windowed ? (Long) row[size + 3] : null;
      Long windowEnd = windowed ? (Long) row[size + 4] : null;
      Row r = new Row(names, Arrays.asList(values), false, windowStart, windowEnd, (Long) row[size]);
      out.add(KsqlJson.row(r, plan.outputColumns(), windowed));
    }
    return out;
  }
}
