package dev.runnel.sql.engine;

import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.expr.Evaluator;

/**
 * WHERE and SELECT without state. On a table, a deleted row or a row failing WHERE becomes a
 * tombstone for its key (table filter semantics); on a stream it is dropped.
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
    boolean keep = !tombstone && (plan.where() == null || Boolean.TRUE.equals(plan.where().eval(row)));
    if (!keep && !table) {
      return;
    }
    Object[] out = project(plan, row);
    if (!keep) {
      for (int i = 0; i < out.length; i++) {
        if (!plan.outputColumns().get(i).key()) {
          out[i] = null;
        }
      }
    }
    emitter.emit(out, !keep, windowStart, windowEnd, tsMs);
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
