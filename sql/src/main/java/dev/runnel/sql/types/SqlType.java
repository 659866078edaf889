package dev.runnel.sql.types;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A SQL type. Runtime values: BOOLEAN Boolean, INTEGER Integer, BIGINT Long, DOUBLE Double,
 * STRING String, ARRAY java.util.List, MAP java.util.Map with String keys, STRUCT a
 * java.util.Map from field name to value (insertion-ordered). NULL is the type of the bare
 * NULL literal only: it converts to every other type.
 */
public record SqlType(Base base, SqlType element, SqlType value, List<Field> fields) {
  public enum Base { BOOLEAN, INTEGER, BIGINT, DOUBLE, STRING, ARRAY, MAP, STRUCT, NULL }

  /** One field of a STRUCT; names keep the case they were declared with. */
  public record Field(String name, SqlType type) {}

  public static final SqlType BOOLEAN = new SqlType(Base.BOOLEAN, null, null, List.of());
  public static final SqlType INTEGER = new SqlType(Base.INTEGER, null, null, List.of());
  public static final SqlType BIGINT = new SqlType(Base.BIGINT, null, null, List.of());
  public static final SqlType DOUBLE = new SqlType(Base.DOUBLE, null, null, List.of());
  public static final SqlType STRING = new SqlType(Base.STRING, null, null, List.of());
  public static final SqlType NULL = new SqlType(Base.NULL, null, null, List.of());

  public SqlType {
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  public static SqlType array(SqlType element) {
    return new SqlType(Base.ARRAY, Objects.requireNonNull(element), null, List.of());
  }

  /** Maps have STRING keys, as in ksqlDB. */
  public static SqlType map(SqlType value) {
    return new SqlType(Base.MAP, STRING, Objects.requireNonNull(value), List.of());
  }

  public static SqlType struct(List<Field> fields) {
    return new SqlType(Base.STRUCT, null, null, fields);
  }

  public boolean isNumeric() {
    return base == Base.INTEGER || base == Base.BIGINT || base == Base.DOUBLE;
  }

  public boolean isNull() {
    return base == Base.NULL;
  }

  /** The STRUCT field named {@code name} (case-insensitive), or null. */
  public Field field(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** The wider of two numeric types (INTEGER < BIGINT < DOUBLE). */
  public static SqlType widerNumeric(SqlType a, SqlType b) {
    if (a.isNull()) {
      return b;
    }
    if (b.isNull()) {
      return a;
    }
    return a.base.ordinal() >= b.base.ordinal() ? a : b;
  }

  /** Whether a value of {@code this} type may be used where {@code target} is expected. */
  public boolean assignableTo(SqlType target) {
    if (isNull() || equals(target)) {
      return true;
    }
    if (isNumeric() && target.isNumeric()) {
      return base.ordinal() <= target.base.ordinal();
    }
    return false;
  }

  @Override
  public String toString() {
    return switch (base) {
      case ARRAY -> "ARRAY<" + element + ">";
      case MAP -> "MAP<STRING, " + value + ">";
      case STRUCT -> "STRUCT<" + fields.stream().map(f -> f.name() + " " + f.type()).collect(Collectors.joining(", ")) + ">";
      default -> base.name();
    };
  }
}
