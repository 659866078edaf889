package dev.runnel.sql.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.WindowSpec;
import dev.runnel.sql.expr.Evaluator;
import dev.runnel.sql.function.Aggregator;
import dev.runnel.sql.state.KeyValueStore;
import dev.runnel.sql.types.Values;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * GROUP BY for one task: folds input rows into per-key (and per-window) aggregates kept in the
 * store, and emits result rows.
 *
 * <p>Emission. EMIT CHANGES (the default): every input row that changes an aggregate emits the
 * new result row if it passes HAVING; when a row that passed HAVING no longer does, a tombstone
 * for its key is emitted instead (table filter semantics). Rows that never passed emit nothing.
 * EMIT FINAL: one row per window, when the window closes (if it passes HAVING).
 *
 * <p>Time. Stream time is the largest event time the task has seen. A window [start, end) closes
 * when stream time reaches end + grace; a session [first, last] when it reaches last + gap +
 * grace. A record for a closed window is late: dropped and counted. Closed windows leave the store.
 *
 * <p>Each aggregate remembers the offset of the last input record folded in, so a record read
 * again after a crash (its output was written, its offset not yet committed) is not counted twice.
 */
final class AggregateProcessor {
  private static final int EXPIRY_BATCH_MAX = 1_000;
  private static final int SESSIONS_PER_KEY_MAX = 10_000;
  private final QueryPlan plan;
  private final QueryPlan.Aggregation agg;
  private final KeyValueStore store;
  private final Emitter emitter;
  private final QueryMetrics metrics;
  private final boolean emitFinal;
  private long streamTimeMs = -1;

  AggregateProcessor(QueryPlan plan, KeyValueStore store, Emitter emitter, QueryMetrics metrics) {
    this.plan = plan;
    this.agg = plan.aggregation();
    this.store = store;
    this.emitter = emitter;
    this.metrics = metrics;
    this.emitFinal = plan.emit() == Query.Emit.FINAL;
    byte[] t = store.get(StoreKeys.single('T'));
    if (t != null) {
      streamTimeMs = StoreKeys.readLong(t, 0);
    }
  }

  /** Group values of an input row; null when a GROUP BY value is null (such rows are dropped, as in ksqlDB). */
  Object[] groupKey(Object[] row) {
    Object[] key = new Object[agg.groupBy().length];
    for (int i = 0; i < key.length; i++) {
      key[i] = agg.groupBy()[i].eval(row);
      if (key[i] == null) {
        return null;
      }
    }
    return key;
  }

  byte[] encodeGroupKey(Object[] key) {
    ArrayNode a = Values.JSON.createArrayNode();
    for (int i = 0; i < key.length; i++) {
      a.add(Values.toJson(key[i], agg.groupTypes().get(i)));
    }
    return a.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Folds one input row (already past WHERE) with its event time and offset. */
  void process(Object[] row, long tsMs, long offset) {
    Object[] key = groupKey(row);
    if (key == null) {
      metrics.nullKeyDropped.incrementAndGet();
      return;
    }
    byte[] keyBytes = encodeGroupKey(key);
    WindowSpec w = agg.window();
    advanceStreamTime(tsMs);
    if (w == null) {
      update(StoreKeys.of('A', keyBytes), key, row, tsMs, offset, null, null, -1);
    } else if (w.type() == WindowSpec.Type.SESSION) {
      session(keyBytes, key, row, tsMs, offset);
    } else {
      boolean any = false;
      for (long[] win : Windows.assign(w, tsMs)) {
        long closeMs = win[1] + agg.graceMs();
        if (closeMs <= streamTimeMs) {
          continue;
        }
        any = true;
        update(StoreKeys.of('A', keyBytes, win[0]), key, row, tsMs, offset, win[0], win[1], closeMs);
      }
      if (!any) {
        metrics.lateDropped.incrementAndGet();
      }
    }
    expire();
  }

  private void advanceStreamTime(long tsMs) {
    if (tsMs > streamTimeMs) {
      streamTimeMs = tsMs;
      store.put(StoreKeys.single('T'), java.nio.ByteBuffer.allocate(8).putLong(tsMs).array());
    }
  }

  private void update(byte[] stateKey, Object[] key, Object[] row, long tsMs, long offset,
      Long start, Long end, long closeMs) {
    State old = State.read(store.get(stateKey), agg);
    if (old != null && old.offset >= offset) {
      metrics.duplicatesSkipped.incrementAndGet();
      return;
    }
    State next = old == null ? State.init(agg, key, start, end) : old.copy();
    next.fold(agg, row, tsMs, offset);
    store.put(stateKey, next.write(agg));
    if (old == null && closeMs >= 0) {
      store.put(StoreKeys.expiry(closeMs, stateKey), new byte[0]);
    }
    if (!emitFinal) {
      emitChange(old, next);
    }
  }

  private void session(byte[] keyBytes, Object[] key, Object[] row, long tsMs, long offset) {
    WindowSpec w = agg.window();
    long gap = w.sizeMs();
    if (tsMs + gap + agg.graceMs() <= streamTimeMs) {
      metrics.lateDropped.incrementAndGet();
      return;
    }
    byte[] prefix = StoreKeys.of('S', keyBytes);
    List<KeyValueStore.Entry> sessions = store.range(prefix, StoreKeys.after(prefix), SESSIONS_PER_KEY_MAX);
    State merged = null;
    List<State> mergedAway = new ArrayList<>();
    for (KeyValueStore.Entry e : sessions) {
      State s = State.read(e.value(), agg);
      if (s.end + gap < tsMs || s.start - gap > tsMs) {
        continue;
      }
      if (s.start <= tsMs && tsMs <= s.end && s.offset >= offset) {
        metrics.duplicatesSkipped.incrementAndGet();
        return;
      }
      mergedAway.add(s);
    }
    for (State s : mergedAway) {
      byte[] k = StoreKeys.of('S', keyBytes, s.end, s.start);
      store.put(k, null);
      store.put(StoreKeys.expiry(s.end + gap + agg.graceMs(), k), null);
      merged = merged == null ? s.copy() : merged.mergeWith(s, agg);
    }
    State next = merged == null ? State.init(agg, key, tsMs, tsMs) : merged;
    next.start = Math.min(next.start, tsMs);
    next.end = Math.max(next.end, tsMs);
    next.fold(agg, row, tsMs, offset);
    byte[] k = StoreKeys.of('S', keyBytes, next.end, next.start);
    store.put(k, next.write(agg));
    store.put(StoreKeys.expiry(next.end + gap + agg.graceMs(), k), new byte[0]);
    if (!emitFinal) {
      for (State s : mergedAway) {
        if (passes(s)) {
          emitter.emit(tombstoneRow(s), true, s.start, s.end, tsMs);
        }
      }
      emitChange(null, next);
    }
  }

  /** Removes closed windows; with EMIT FINAL, emits each one's result first. */
  private void expire() {
    if (agg.window() == null) {
      return;
    }
    byte[] from = new byte[] {(byte) 'E'};
    List<KeyValueStore.Entry> closed = store.range(from, StoreKeys.expiryUpTo(streamTimeMs), EXPIRY_BATCH_MAX);
    for (KeyValueStore.Entry e : closed) {
      byte[] stateKey = StoreKeys.stateKeyOfExpiry(e.key());
      State s = State.read(store.get(stateKey), agg);
      if (s != null && emitFinal && passes(s)) {
        emitter.emit(project(s), false, s.start, s.end, s.lastTs);
      }
      store.put(stateKey, null);
      store.put(e.key(), null);
      metrics.windowsClosed.incrementAndGet();
    }
  }

  private void emitChange(State old, State next) {
    boolean nowPasses = passes(next);
    if (nowPasses) {
      emitter.emit(project(next), false, next.start, next.end, next.lastTs);
    } else if (old != null && passes(old)) {
      emitter.emit(tombstoneRow(next), true, next.start, next.end, next.lastTs);
    }
  }

  private boolean passes(State s) {
    return agg.having() == null || Boolean.TRUE.equals(agg.having().eval(s.aggregatedRow(agg)));
  }

  private Object[] project(State s) {
    Object[] aggRow = s.aggregatedRow(agg);
    Evaluator[] projection = plan.projection();
    Object[] out = new Object[projection.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = projection[i].eval(aggRow);
    }
    return out;
  }

  private Object[] tombstoneRow(State s) {
    Object[] full = project(s);
    Object[] out = new Object[full.length];
    for (int i = 0; i < out.length; i++) {
      if (plan.outputColumns().get(i).key()) {
        out[i] = full[i];
      }
    }
    return out;
  }

  /** One aggregate's stored state. */
  static final class State {
    long offset = -1;
    long lastTs;
    Long start;
    Long end;
    Object[] key;
    Object[] states;

    static State init(QueryPlan.Aggregation agg, Object[] key, Long start, Long end) {
      State s = new State();
      s.key = key;
      s.start = start;
      s.end = end;
      s.states = new Object[agg.aggregators().size()];
      for (int i = 0; i < s.states.length; i++) {
        s.states[i] = agg.aggregators().get(i).init();
      }
      return s;
    }

    State copy() {
      State s = new State();
      s.offset = offset;
      s.lastTs = lastTs;
      s.start = start;
      s.end = end;
      s.key = key;
      s.states = states.clone();
      return s;
    }

    void fold(QueryPlan.Aggregation agg, Object[] row, long tsMs, long offset) {
      for (int i = 0; i < states.length; i++) {
        Evaluator[] argEvals = agg.aggregateArgs()[i];
        Object[] args = new Object[argEvals.length];
        for (int a = 0; a < args.length; a++) {
          args[a] = argEvals[a].eval(row);
        }
        states[i] = agg.aggregators().get(i).add(states[i], args, offset);
      }
      this.offset = Math.max(this.offset, offset);
      this.lastTs = Math.max(this.lastTs, tsMs);
    }

    State mergeWith(State other, QueryPlan.Aggregation agg) {
      State s = copy();
      for (int i = 0; i < states.length; i++) {
        s.states[i] = agg.aggregators().get(i).merge(states[i], other.states[i]);
      }
      s.offset = Math.max(offset, other.offset);
      s.lastTs = Math.max(lastTs, other.lastTs);
      s.start = Math.min(start, other.start);
      s.end = Math.max(end, other.end);
      return s;
    }

    Object[] aggregatedRow(QueryPlan.Aggregation agg) {
      Object[] row = new Object[agg.aggregatedRowWidth()];
      System.arraycopy(key, 0, row, 0, key.length);
      for (int i = 0; i < states.length; i++) {
        row[key.length + i] = agg.aggregators().get(i).result(states[i]);
      }
      int w = key.length + states.length;
      row[w] = start;
      row[w + 1] = end;
      row[w + 2] = lastTs;
      return row;
    }

    byte[] write(QueryPlan.Aggregation agg) {
      ObjectNode o = Values.JSON.createObjectNode();
      o.put("o", offset);
      o.put("t", lastTs);
      if (start != null) {
        o.put("s", start);
        o.put("e", end);
      }
      ArrayNode k = o.putArray("k");
      for (int i = 0; i < key.length; i++) {
        k.add(Values.toJson(key[i], agg.groupTypes().get(i)));
      }
      ArrayNode a = o.putArray("a");
      for (int i = 0; i < states.length; i++) {
        Aggregator aggregator = agg.aggregators().get(i);
        a.add(aggregator.toJson(states[i]));
      }
      return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static State read(byte[] bytes, QueryPlan.Aggregation agg) {
      if (bytes == null) {
        return null;
      }
      JsonNode o;
      try {
        o = Values.JSON.readTree(bytes);
      } catch (IOException e) {
        throw new IllegalStateException("corrupt aggregate state", e);
      }
      State s = new State();
      s.offset = o.get("o").longValue();
      s.lastTs = o.get("t").longValue();
      if (o.has("s")) {
        s.start = o.get("s").longValue();
        s.end = o.get("e").longValue();
      }
      s.key = new Object[agg.groupTypes().size()];
      for (int i = 0; i < s.key.length; i++) {
        s.key[i] = Values.fromJson(o.get("k").get(i), agg.groupTypes().get(i));
      }
      s.states = new Object[agg.aggregators().size()];
      for (int i = 0; i < s.states.length; i++) {
        s.states[i] = agg.aggregators().get(i).fromJson(o.get("a").get(i));
      }
      return s;
    }
  }
}
