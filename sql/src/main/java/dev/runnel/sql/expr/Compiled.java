package dev.runnel.sql.expr;

import dev.runnel.sql.types.SqlType;

/** A compiled expression and the type of its values. */
public record Compiled(Evaluator eval, SqlType type) {
  public static Compiled slot(int index, SqlType type) {
    return new Compiled(row -> row[index], type);
  }
}
