package dev.runnel.sql.function;

import dev.runnel.sql.types.SqlType;
import java.util.List;
import java.util.function.Function;

/** A ScalarFunction from lambdas. */
record Scalar(
    String name,
    String signature,
    Function<List<SqlType>, SqlType> types,
    boolean nullIfAnyNull,
    Function<Object[], Object> impl) implements ScalarFunction {

  @Override
  public SqlType returnType(List<SqlType> args) {
    return types.apply(args);
  }

  @Override
  public Object apply(Object[] args) {
    return impl.apply(args);
  }
}
