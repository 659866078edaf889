package dev.runnel.sql.function;

import dev.runnel.sql.types.SqlType;
import java.util.List;

/**
 * A built-in scalar function. {@link #returnType} checks the argument types (null: they do not
 * fit, and the caller reports {@link #signature}); {@link #apply} gets the evaluated arguments.
 */
public interface ScalarFunction {
  String name();

  String signature();

  SqlType returnType(List<SqlType> args);

  /** With the default true, any null argument makes the result null without calling apply. */
  default boolean nullIfAnyNull() {
    return true;
  }

  Object apply(Object[] args);
}
