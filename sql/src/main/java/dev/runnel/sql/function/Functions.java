package dev.runnel.sql.function;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The built-in functions by upper-case name. */
public final class Functions {
  private static final Map<String, ScalarFunction> SCALARS;

  static {
    Map<String, ScalarFunction> m = new TreeMap<>();
    StringFunctions.register(m);
    MathTimeFunctions.register(m);
    SCALARS = Collections.unmodifiableMap(m);
  }

  private Functions() {}

  public static ScalarFunction scalar(String name) {
    return SCALARS.get(name);
  }

  public static Map<String, ScalarFunction> scalars() {
    return SCALARS;
  }
}
