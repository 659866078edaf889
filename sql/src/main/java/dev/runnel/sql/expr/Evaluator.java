package dev.runnel.sql.expr;

/** A compiled expression: reads a row (an array laid out by the scope it was compiled in). */
@FunctionalInterface
public interface Evaluator {
  Object eval(Object[] row);
}
