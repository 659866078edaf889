package dev.runnel.sql.expr;

import dev.runnel.sql.ast.Expr;

/** What names mean while compiling: columns to row slots, and whole expressions replaced by slots. */
public interface Scope {
  /** The slot holding {@code column}; throws SqlException for an unknown or ambiguous column. */
  Compiled resolve(Expr.Column column);

  /**
   * A slot that already holds the value of {@code expr} (a GROUP BY expression or an aggregate
   * after aggregation), or null to compile {@code expr} normally.
   */
  default Compiled replace(Expr expr) {
    return null;
  }

  /** Whether aggregate calls may appear here; the message explains why not otherwise. */
  default String aggregatesForbiddenReason() {
    return "Aggregate functions are not allowed here";
  }
}
