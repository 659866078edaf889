package dev.runnel.sql.ast;

import java.util.List;

/** A SELECT as written. Optional parts are null (or empty lists). */
public record Query(
    List<SelectItem> select,
    Relation from,
    WindowSpec window,
    Expr where,
    List<Expr> groupBy,
    List<Expr> partitionBy,
    Expr having,
    Emit emit,
    Integer limit,
    Pos pos) {

  public enum Emit { CHANGES, FINAL }

  public sealed interface SelectItem {}

  /** {@code *} or {@code alias.*} (qualifier null for the bare star). */
  public record AllColumns(String qualifier, Pos pos) implements SelectItem {}

  /** {@code expr [AS alias]}; alias null when not given. */
  public record SingleColumn(Expr expr, String alias, Pos pos) implements SelectItem {}

  public sealed interface Relation {}

  /** A stream or table by name; {@code alias} defaults to the name. */
  public record SourceRef(String name, String alias, Pos pos) implements Relation {}

  public enum JoinType { INNER, LEFT, RIGHT, FULL }

  /** {@code withinBeforeMs}/{@code withinAfterMs} null when there is no WITHIN. */
  public record Join(
      Relation left, SourceRef right, JoinType type, Long withinBeforeMs, Long withinAfterMs,
      Long graceMs, Expr on, Pos pos) implements Relation {}
}
