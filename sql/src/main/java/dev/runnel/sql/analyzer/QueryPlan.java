package dev.runnel.sql.analyzer;

import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.WindowSpec;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.expr.Evaluator;
import dev.runnel.sql.function.Aggregator;
import dev.runnel.sql.types.SqlType;
import java.util.List;

/**
 * What a SELECT computes, compiled: evaluators over the rows of {@code input} (and {@code join}'s
 * right side). {@code outputColumns} are in SELECT order and {@code projection} computes them;
 * key columns are flagged. Exactly one of {@code aggregation} and {@code join} may be set.
 */
public record QueryPlan(
    DataSource input,
    Evaluator where,
    Evaluator[] projection,
    List<Column> outputColumns,
    Aggregation aggregation,
    Join join,
    Query.Emit emit,
    Integer limit,
    DataSource.Window outputWindow) {

  /** GROUP BY: {@code where}, group keys and aggregate arguments read input rows; {@code having} and the projection read aggregated rows. */
  public record Aggregation(
      Evaluator[] groupBy,
      List<SqlType> groupTypes,
      List<Aggregator> aggregators,
      Evaluator[][] aggregateArgs,
      WindowSpec window,
      long graceMs,
      Evaluator having,
      int aggregatedRowWidth,
      boolean repartition) {}

  public enum JoinKind { STREAM_TABLE, STREAM_STREAM, TABLE_TABLE }

  /**
   * A join; rows of the join are the left row followed by the right row. {@code leftKey} and
   * {@code rightKey} read their side's row; {@code repartitionLeft} when the left side is not
   * keyed by its join expression yet.
   */
  public record Join(
      JoinKind kind,
      Query.JoinType type,
      DataSource right,
      Evaluator leftKey,
      Evaluator rightKey,
      SqlType keyType,
      long withinBeforeMs,
      long withinAfterMs,
      long graceMs,
      boolean repartitionLeft,
      int leftWidth,
      int rightWidth) {}

  public boolean isAggregation() {
    return aggregation != null;
  }

  public List<Column> keyColumns() {
    return outputColumns.stream().filter(Column::key).toList();
  }
}
