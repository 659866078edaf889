package dev.runnel.sql;

import dev.runnel.proto.Partitioning;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.catalog.Column;
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
 * Pull queries: the current rows of a table, e.g. {@code SELECT * FROM totals WHERE id = 'a';}
 * (a SELECT without EMIT CHANGES). The SQL server answers them on {@code POST /query} and the
 * in-process shell prints them.
 *
 * <p>How: the table's topic is read from its start up to its end offsets at the time of the
 * query, keeping the latest record per key (a tombstone deletes it); then WHERE and the projection
 * are applied. When WHERE pins the whole key to one value ({@link PinnedKey}), only the partition
 * that key is routed to is read: the same murmur2 rule ({@link Partitioning}) every producer uses,
 * the engine's included, so no other partition can hold the key. Any engine answers any key (no
 * forwarding is needed, as the topic is shared), at the cost of reading the topic (or the key's
 * partition), bounded by {@code recordsReadMax}. Serving from the writing query's local state
 * would be cheaper and is not done yet.
 */
public final class PullQuery {
  /** The default bound of the records one pull query reads. */
  public static final int RECORDS_READ_MAX_DEFAULT = 1_000_000;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A pull query's answer: its name ({@code pull_TABLE}), output columns, whether the table is
   * windowed (rows then carry their window), and the rows in the order of their latest update.
   */
  public record Result(String name, List<Column> columns, boolean windowed, List<Row> rows) {}

  private PullQuery() {}

  /** Runs {@code select} on {@code engine}'s catalog; refusals and too big tables throw {@link SqlException}. */
  public static Result run(SqlEngine engine, Statement.SelectStatement select, int recordsReadMax) {
    QueryPlan plan = engine.planPull(select);
    // planPull refuses anything but one table, so FROM is a SourceRef here.
    Query.SourceRef from = (Query.SourceRef) select.query().from();
    Object[] key = PinnedKey.of(select.query().where(), plan.input(), from.alias());
    Map<ByteBuffer, Object[]> latest = latestRows(engine.config().bootstrap(), plan, key, recordsReadMax);
    return new Result("pull_" + plan.input().name(), plan.outputColumns(), plan.input().window() != null,
        rows(plan, latest));
  }

  /** The latest row per key of the table's topic, or of {@code key}'s partition when it is not null. */
  private static Map<ByteBuffer, Object[]> latestRows(String bootstrap, QueryPlan plan, Object[] key, int recordsReadMax) {
    RecordCodec codec = new RecordCodec(plan.input());
    Map<ByteBuffer, Object[]> latest = new LinkedHashMap<>();
    String topic = plan.input().topic();
    long read = 0;
    long deadlineNs = System.nanoTime() + READ_TIMEOUT.toNanos();
    try (Admin admin = Admin.builder().bootstrap(bootstrap).build();
        Consumer consumer = Consumer.builder().bootstrap(bootstrap).fetchMaxWaitMs(100).build()) {
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

  /** WHERE, the projection and LIMIT over the latest rows. */
  private static List<Row> rows(QueryPlan plan, Map<ByteBuffer, Object[]> latest) {
    boolean windowed = plan.input().window() != null;
    int size = plan.input().columns().size();
    List<String> names = plan.outputColumns().stream().map(Column::name).toList();
    int limit = plan.limit() == null ? Integer.MAX_VALUE : plan.limit();
    List<Row> out = new ArrayList<>();
    for (Object[] row : latest.values()) {
      if (out.size() >= limit) {
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
      out.add(new Row(names, Arrays.asList(values), false, windowStart, windowEnd, (Long) row[size]));
    }
    return out;
  }
}
