package dev.runnel.sql.engine;

import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.expr.Evaluator;

/**
 * WHERE and SELECT without state. On a table, a deleted row stays a tombstone, and in a persistent
 * query a row failing WHERE becomes a tombstone for its key (table filter semantics); on a stream
 * such rows are dropped.
 */
final class StatelessProcessor {
  private final QueryPlan plan;
  private final Emitter emitter;
  private final boolean table;

  StatelessProcessor(QueryPlan plan, Emitter emitter) {
    this.plan = plan;
    this.emitter = emitter;
    this.table = plan.input().isTable();
  }

  void process(Object[] row, boolean tombstone, long tsMs, Long windowStart, Long windowEnd) {
    if (tombstone) {
      // A deleted table row: its key columns are set, the rest null; the projection carries the key on.
      if (table) {
        emitter.emit(project(plan, row), true, windowStart, windowEnd, tsMs);
      }
      return;
    }
    if (plan.where() == null || Boolean.TRUE.equals(plan.where().eval(row))) {
      emitter.emit(project(plan, row), false, windowStart, windowEnd, tsMs);
      return;
    }
    // A table row that no longer passes WHERE leaves the result table: a tombstone for its key.
    // Push queries (no key columns in their output) just skip it.
    if (table && !plan.keyColumns().isEmpty()) {
      Object[] out = project(plan, row);
      for (int i = 0; i < out.length; i++) {
        if (!plan.outputColumns().get(i).key()) {
          out[i] = null;
        }
      }
      emitter.emit(out, true, windowStart, windowEnd, tsMs);
    }
  }

  static Object[] project(QueryPlan plan, Object[] row) {
    Evaluator[] projection = plan.projection();
    Object[] out = new Object[projection.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = projection[i].eval(row);
    }
    return out;
  }
}
