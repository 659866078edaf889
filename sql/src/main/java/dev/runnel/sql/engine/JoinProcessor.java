package dev.runnel.sql.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.state.KeyValueStore;
import dev.runnel.sql.types.SqlType;
import dev.runnel.sql.types.Values;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The three joins for one task (partition). Rows of both sides are kept in the store by join key:
 * a table side as its latest row per key ('L'/'R' + key), a stream side of a stream-stream join
 * as every row within the window ('L'/'R' + key + time + offset).
 *
 * <ul>
 *   <li>stream-table: each stream row looks up the table row with its key; INNER drops rows
 *       without a match, LEFT fills the table's columns with nulls. Table updates emit nothing.
 *   <li>table-table: an update of either side looks up the other side and emits the joined row
 *       (INNER: a tombstone when either side is missing; LEFT: the right columns null).
 *   <li>stream-stream INNER: each row joins every row of the other side whose time is within
 *       the WITHIN bounds; rows are kept until stream time passes their time + WITHIN + grace.
 *       LEFT: a left row also emits once with null right columns when it arrives without a match.
 * </ul>
 */
final class JoinProcessor {
  private static final int MATCHES_MAX = 10_000;
  private final QueryPlan plan;
  private final QueryPlan.Join join;
  private final KeyValueStore store;
  private final Emitter emitter;
  private final QueryMetrics metrics;
  private final List<SqlType> leftTypes;
  private final List<SqlType> rightTypes;
  private long streamTimeMs = -1;

  JoinProcessor(QueryPlan plan, KeyValueStore store, Emitter emitter, QueryMetrics metrics) {
    this.plan = plan;
    this.join = plan.join();
    this.store = store;
    this.emitter = emitter;
    this.metrics = metrics;
    this.leftTypes = rowTypes(plan.input());
    this.rightTypes = rowTypes(join.right());
    byte[] t = store.get(StoreKeys.single('T'));
    if (t != null) {
      streamTimeMs = StoreKeys.readLong(t, 0);
    }
  }

  /** A left-side row (stream or table). */
  void left(Object[] row, boolean tombstone, long tsMs, long offset) {
    Object key = join.leftKey().eval(row);
    if (key == null) {
      metrics.nullKeyDropped.incrementAndGet();
      return;
    }
    byte[] k = keyBytes(key);
    switch (join.kind()) {
      case STREAM_TABLE -> {
        Object[] right = latest('R', k, rightTypes);
        if (right == null && join.type() == Query.JoinType.INNER) {
          return;
        }
        emitJoined(row, right, tsMs, false);
      }
      case TABLE_TABLE -> {
        store.put(StoreKeys.of('L', k), tombstone ? null : encodeRow(row, leftTypes));
        Object[] right = latest('R', k, rightTypes);
        boolean missing = tombstone || (right == null && join.type() == Query.JoinType.INNER);
        emitJoined(tombstone ? keyOnlyLeft(row) : row, right, tsMs, missing);
      }
      case STREAM_STREAM -> streamSide(true, row, k, tsMs, offset);
    }
  }

  /** A right-side row. */
  void right(Object[] row, boolean tombstone, long tsMs, long offset) {
    Object key = join.rightKey().eval(row);
    if (key == null) {
      metrics.nullKeyDropped.incrementAndGet();
      return;
    }
    byte[] k = keyBytes(key);
    switch (join.kind()) {
      case STREAM_TABLE -> store.put(StoreKeys.of('R', k), tombstone ? null : encodeRow(row, rightTypes));
      case TABLE_TABLE -> {
        store.put(StoreKeys.of('R', k), tombstone ? null : encodeRow(row, rightTypes));
        Object[] left = latest('L', k, leftTypes);
        if (left == null) {
          return;
        }
        if (tombstone && join.type() == Query.JoinType.INNER) {
          emitJoined(left, null, tsMs, true);
        } else {
          emitJoined(left, tombstone ? null : row, tsMs, false);
        }
      }
      case STREAM_STREAM -> streamSide(false, row, k, tsMs, offset);
    }
  }

  private void streamSide(boolean isLeft, Object[] row, byte[] k, long tsMs, long offset) {
    long horizon = Math.max(join.withinBeforeMs(), join.withinAfterMs()) + join.graceMs();
    if (tsMs > streamTimeMs) {
      streamTimeMs = tsMs;
      store.put(StoreKeys.single('T'), ByteBuffer.allocate(8).putLong(tsMs).array());
    }
    if (tsMs + horizon <= streamTimeMs) {
      metrics.lateDropped.incrementAndGet();
      return;
    }
    char mine = isLeft ? 'L' : 'R';
    char other = isLeft ? 'R' : 'L';
    byte[] stateKey = StoreKeys.of(mine, k, tsMs, offset);
    if (store.get(stateKey) != null) {
      metrics.duplicatesSkipped.incrementAndGet();
      return;
    }
    store.put(stateKey, encodeRow(row, isLeft ? leftTypes : rightTypes));
    store.put(StoreKeys.expiry(tsMs + horizon, stateKey), new byte[0]);
    // A left row at t matches right rows in [t - before, t + after]; a right row at t matches left rows in [t - after, t + before].
    long from = isLeft ? tsMs - join.withinBeforeMs() : tsMs - join.withinAfterMs();
    long to = isLeft ? tsMs + join.withinAfterMs() : tsMs + join.withinBeforeMs();
    List<KeyValueStore.Entry> matches = store.range(StoreKeys.of(other, k, Math.max(0, from)),
        StoreKeys.of(other, k, to + 1), MATCHES_MAX);
    for (KeyValueStore.Entry m : matches) {
      Object[] otherRow = decodeRow(m.value(), isLeft ? rightTypes : leftTypes);
      long joinedTs = Math.max(tsMs, StoreKeys.readLong(m.key(), 3 + k.length));
      if (isLeft) {
        emitJoined(row, otherRow, joinedTs, false);
      } else {
        emitJoined(otherRow, row, joinedTs, false);
      }
    }
    if (isLeft && matches.isEmpty() && join.type() == Query.JoinType.LEFT) {
      emitJoined(row, null, tsMs, false);
    }
    expire();
  }

  private void expire() {
    for (KeyValueStore.Entry e : store.range(new byte[] {(byte) 'E'}, StoreKeys.expiryUpTo(streamTimeMs), 1_000)) {
      store.put(StoreKeys.stateKeyOfExpiry(e.key()), null);
      store.put(e.key(), null);
    }
  }

  private void emitJoined(Object[] left, Object[] right, long tsMs, boolean tombstone) {
    Object[] joined = new Object[join.leftWidth() + join.rightWidth()];
    System.arraycopy(left, 0, joined, 0, Math.min(left.length, join.leftWidth()));
    if (right != null) {
      System.arraycopy(right, 0, joined, join.leftWidth(), Math.min(right.length, join.rightWidth()));
    }
    if (!tombstone && plan.where() != null && !Boolean.TRUE.equals(plan.where().eval(joined))) {
      if (join.kind() != QueryPlan.JoinKind.TABLE_TABLE) {
        return;
      }
      tombstone = true;
    }
    Object[] out = StatelessProcessor.project(plan, joined);
    if (tombstone) {
      for (int i = 0; i < out.length; i++) {
        if (!plan.outputColumns().get(i).key()) {
          out[i] = null;
        }
      }
    }
    emitter.emit(out, tombstone, null, null, tsMs);
  }

  private Object[] keyOnlyLeft(Object[] row) {
    Object[] out = new Object[row.length];
    for (Column c : plan.input().keyColumns()) {
      int i = plan.input().indexOf(c.name());
      out[i] = row[i];
    }
    return out;
  }

  private Object[] latest(char side, byte[] k, List<SqlType> types) {
    byte[] v = store.get(StoreKeys.of(side, k));
    return v == null ? null : decodeRow(v, types);
  }

  private byte[] keyBytes(Object key) {
    return Values.toJson(Values.widen(key, join.keyType()), join.keyType()).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Column types of a source row including its pseudo columns. */
  static List<SqlType> rowTypes(DataSource source) {
    List<SqlType> out = new ArrayList<>();
    for (Column c : source.columns()) {
      out.add(c.type());
    }
    out.addAll(List.of(SqlType.BIGINT, SqlType.INTEGER, SqlType.BIGINT, SqlType.BIGINT, SqlType.BIGINT));
    return out;
  }

  static byte[] encodeRow(Object[] row, List<SqlType> types) {
    ArrayNode a = Values.JSON.createArrayNode();
    for (int i = 0; i < types.size(); i++) {
      a.add(Values.toJson(i < row.length ? row[i] : null, types.get(i)));
    }
    return a.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Object[] decodeRow(byte[] bytes, List<SqlType> types) {
    try {
      JsonNode a = Values.JSON.readTree(bytes);
      Object[] row = new Object[types.size()];
      for (int i = 0; i < row.length; i++) {
        row[i] = Values.fromJson(a.get(i), types.get(i));
      }
      return row;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt stored row", e);
    }
  }

  static int width(DataSource source) {
    return source.columns().size() + RecordCodec.PSEUDO_COLUMNS;
  }
}
