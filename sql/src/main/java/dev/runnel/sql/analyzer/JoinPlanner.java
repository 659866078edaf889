package dev.runnel.sql.analyzer;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.expr.Compiled;
import dev.runnel.sql.expr.ExprCompiler;
import dev.runnel.sql.expr.Scope;
import dev.runnel.sql.types.SqlType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a two-way join and compiles its keys. Rules (as in ksqlDB): ON is an equality between an
 * expression of each side; a stream-table join puts the stream on the left and matches the
 * table's PRIMARY KEY; a stream-stream join needs WITHIN; a table-table join matches both
 * PRIMARY KEYs; both sides must have the same number of partitions (co-partitioned).
 */
final class JoinPlanner {
  private JoinPlanner() {}

  static QueryPlan.Join plan(Query.Join j, SourceScope scope, boolean windowed) {
    DataSource left = scope.entries().get(0).source();
    DataSource right = scope.entries().get(1).source();
    if (windowed) {
      throw QueryPlanner.error(j.pos(), "WINDOW cannot be used with a join");
    }
    if (left.window() != null || right.window() != null) {
      throw QueryPlanner.error(j.pos(), "Joins of windowed sources are not supported");
    }
    Expr leftExpr = leftKeyExpr(j);
    Expr rightExpr = rightKeyExpr(j);
    int leftSide = sideOf(leftExpr, scope, j);
    int rightSide = sideOf(rightExpr, scope, j);
    if (leftSide == rightSide) {
      throw QueryPlanner.error(j.on().pos(), "The join condition must compare an expression of "
          + scope.entries().get(0).alias() + " with one of " + scope.entries().get(1).alias());
    }
    Scope leftScope = new SourceScope().add(scope.entries().get(0).alias(), left)
        .forbidAggregates("Aggregate functions are not allowed in ON");
    Scope rightScope = new SourceScope().add(scope.entries().get(1).alias(), right)
        .forbidAggregates("Aggregate functions are not allowed in ON");
    Compiled lk = ExprCompiler.compile(leftExpr, leftScope);
    Compiled rk = ExprCompiler.compile(rightExpr, rightScope);
    boolean comparable = lk.type().equals(rk.type()) || (lk.type().isNumeric() && rk.type().isNumeric());
    if (!comparable) {
      throw QueryPlanner.error(j.on().pos(), "Cannot join on " + lk.type() + " = " + rk.type() + ": the key types differ");
    }
    QueryPlan.JoinKind kind;
    if (!left.isTable() && right.isTable()) {
      kind = QueryPlan.JoinKind.STREAM_TABLE;
    } else if (!left.isTable() && !right.isTable()) {
      kind = QueryPlan.JoinKind.STREAM_STREAM;
    } else if (left.isTable() && right.isTable()) {
      kind = QueryPlan.JoinKind.TABLE_TABLE;
    } else {
      throw QueryPlanner.error(j.pos(), "Invalid join order: in a stream-table join the stream must be on the left ("
          + right.name() + " is a stream, " + left.name() + " a table)");
    }
    if (kind == QueryPlan.JoinKind.STREAM_STREAM && j.withinBeforeMs() == null) {
      throw QueryPlanner.error(j.pos(), "A stream-stream join needs a WITHIN clause, e.g. WITHIN 1 HOUR");
    }
    if (kind != QueryPlan.JoinKind.STREAM_STREAM && j.withinBeforeMs() != null) {
      throw QueryPlanner.error(j.pos(), "WITHIN is only valid in a stream-stream join");
    }
    if (j.type() == Query.JoinType.RIGHT || (j.type() == Query.JoinType.FULL && kind == QueryPlan.JoinKind.STREAM_TABLE)) {
      throw QueryPlanner.error(j.pos(), j.type() + " joins are not supported here; swap the sides and use LEFT JOIN");
    }
    if (j.type() == Query.JoinType.FULL) {
      throw QueryPlanner.error(j.pos(), "FULL OUTER joins are not supported yet; use INNER or LEFT");
    }
    if (right.isTable() && !isPrimaryKey(rightExpr, right)) {
      throw QueryPlanner.error(rightExpr.pos(), "The join must use the PRIMARY KEY of table " + right.name()
          + " (" + keyNames(right) + "), not " + QueryPlanner.render(rightExpr) + " (foreign-key joins are not supported)");
    }
    if (left.isTable() && !isPrimaryKey(leftExpr, left)) {
      throw QueryPlanner.error(leftExpr.pos(), "The join must use the PRIMARY KEY of table " + left.name()
          + " (" + keyNames(left) + "), not " + QueryPlanner.render(leftExpr));
    }
    if (kind == QueryPlan.JoinKind.STREAM_STREAM && !isPrimaryKey(rightExpr, right)) {
      throw QueryPlanner.error(rightExpr.pos(), "A stream-stream join must use the KEY column of the right stream "
          + right.name() + " (" + keyNames(right) + "); re-key it with PARTITION BY first");
    }
    if (left.partitions() != right.partitions()) {
      throw QueryPlanner.error(j.pos(), "Cannot join " + left.name() + " with " + right.name()
          + ": they are not co-partitioned (" + left.name() + " has " + left.partitions() + " partitions, "
          + right.name() + " has " + right.partitions() + "). Repartition one of them, e.g. CREATE STREAM ... WITH (partitions="
          + right.partitions() + ") AS SELECT * FROM " + left.name() + " PARTITION BY ...");
    }
    boolean repartitionLeft = !isPrimaryKey(leftExpr, left);
    long before = j.withinBeforeMs() == null ? 0 : j.withinBeforeMs();
    long after = j.withinAfterMs() == null ? 0 : j.withinAfterMs();
    long grace = j.graceMs() != null ? j.graceMs() : QueryPlanner.DEFAULT_GRACE_MS;
    int leftWidth = scope.entries().get(1).offset();
    int rightWidth = scope.width() - leftWidth;
    return new QueryPlan.Join(kind, j.type(), right, lk.eval(), rk.eval(), rk.type(), before, after, grace,
        repartitionLeft, leftWidth, rightWidth);
  }

  /** The ON side that reads the left source (the equality may be written either way round). */
  static Expr leftKeyExpr(Query.Join j) {
    Expr.Compare eq = equality(j);
    return refersTo(eq.left(), j.right()) ? eq.right() : eq.left();
  }

  static Expr rightKeyExpr(Query.Join j) {
    Expr.Compare eq = equality(j);
    return refersTo(eq.left(), j.right()) ? eq.left() : eq.right();
  }

  private static Expr.Compare equality(Query.Join j) {
    if (!(j.on() instanceof Expr.Compare c) || c.op() != Expr.CmpOp.EQ) {
      throw QueryPlanner.error(j.on().pos(), "The join condition must be one equality, e.g. ON a.id = b.id");
    }
    return c;
  }

  private static boolean refersTo(Expr e, Query.SourceRef ref) {
    if (e instanceof Expr.Column c) {
      return c.qualifier() != null && (c.qualifier().equals(ref.alias()) || c.qualifier().equals(ref.name()));
    }
    for (Expr child : QueryPlanner.children(e)) {
      if (refersTo(child, ref)) {
        return true;
      }
    }
    return false;
  }

  /** 0 left, 1 right; an expression reading both sides (or none) is an error. */
  private static int sideOf(Expr e, SourceScope scope, Query.Join j) {
    Set<Integer> sides = new HashSet<>();
    collectSides(e, scope, sides);
    if (sides.size() != 1) {
      throw QueryPlanner.error(e.pos(), "Each side of the join condition must read exactly one of the joined sources");
    }
    return sides.iterator().next();
  }

  private static void collectSides(Expr e, SourceScope scope, Set<Integer> sides) {
    if (e instanceof Expr.Column c) {
      sides.add(scope.entryOfSlot(scope.slotOf(c)));
      return;
    }
    for (Expr child : QueryPlanner.children(e)) {
      collectSides(child, scope, sides);
    }
  }

  private static boolean isPrimaryKey(Expr e, DataSource source) {
    List<Column> keys = source.keyColumns();
    return keys.size() == 1 && e instanceof Expr.Column c && c.name().equals(keys.get(0).name());
  }

  private static String keyNames(DataSource s) {
    List<Column> keys = s.keyColumns();
    return keys.isEmpty() ? "it has no key column" : String.join(", ", keys.stream().map(Column::name).toList());
  }

}
