package dev.runnel.sql.analyzer;

import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.expr.Compiled;
import dev.runnel.sql.expr.Scope;
import dev.runnel.sql.types.SqlType;
import java.util.List;

/**
 * The scope of SELECT and HAVING after GROUP BY. An aggregated row holds the GROUP BY values,
 * then the aggregate results, then WINDOWSTART, WINDOWEND and ROWTIME (the latest record time).
 * Anything else that reads a column is an error: the column is not part of GROUP BY.
 */
final class AggregateScope implements Scope {
  private final SourceScope source;
  private final List<Expr> groupBy;
  private final List<SqlType> groupTypes;
  private final List<Expr.Call> aggregates;
  private final List<SqlType> aggregateTypes;
  private final boolean windowed;

  AggregateScope(SourceScope source, List<Expr> groupBy, List<SqlType> groupTypes,
      List<Expr.Call> aggregates, List<SqlType> aggregateTypes, boolean windowed) {
    this.source = source;
    this.groupBy = groupBy;
    this.groupTypes = groupTypes;
    this.aggregates = aggregates;
    this.aggregateTypes = aggregateTypes;
    this.windowed = windowed;
  }

  int width() {
    return groupBy.size() + aggregates.size() + 3;
  }

  int windowStartSlot() {
    return groupBy.size() + aggregates.size();
  }

  /** The GROUP BY index {@code expr} stands for, or -1. */
  int groupIndexOf(Expr expr) {
    for (int i = 0; i < groupBy.size(); i++) {
      Expr g = groupBy.get(i);
      if (g.equals(expr)) {
        return i;
      }
      if (g instanceof Expr.Column gc && expr instanceof Expr.Column ec && sameColumn(gc, ec)) {
        return i;
      }
    }
    return -1;
  }

  private boolean sameColumn(Expr.Column a, Expr.Column b) {
    try {
      return source.slotOf(a) == source.slotOf(b);
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public Compiled replace(Expr expr) {
    int g = groupIndexOf(expr);
    if (g >= 0) {
      return Compiled.slot(g, groupTypes.get(g));
    }
    if (expr instanceof Expr.Call call) {
      int a = aggregates.indexOf(call);
      if (a >= 0) {
        return Compiled.slot(groupBy.size() + a, aggregateTypes.get(a));
      }
    }
    return null;
  }

  @Override
  public Compiled resolve(Expr.Column column) {
    if (column.qualifier() == null || isSourceQualifier(column.qualifier())) {
      switch (column.name()) {
        case "WINDOWSTART":
        case "WINDOWEND":
          if (!windowed) {
            throw SourceScope.error(column, column.name() + " is only available in a windowed aggregation");
          }
          return Compiled.slot(windowStartSlot() + (column.name().equals("WINDOWEND") ? 1 : 0), SqlType.BIGINT);
        case "ROWTIME":
          return Compiled.slot(windowStartSlot() + 2, SqlType.BIGINT);
        default:
          break;
      }
    }
    source.slotOf(column); // unknown columns get their own message first
    throw SourceScope.error(column, "Non-aggregate column '" + column.name() + "' must be part of GROUP BY"
        + " (SELECT and HAVING of an aggregation may only use GROUP BY expressions, aggregate functions"
        + " and WINDOWSTART/WINDOWEND)");
  }

  private boolean isSourceQualifier(String q) {
    return source.entries().stream().anyMatch(e -> e.alias().equals(q) || e.source().name().equals(q));
  }

  @Override
  public String aggregatesForbiddenReason() {
    return "Aggregate functions cannot be nested";
  }
}
