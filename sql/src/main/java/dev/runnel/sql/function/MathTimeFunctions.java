package dev.runnel.sql.function;

import dev.runnel.sql.types.SqlType;
import dev.runnel.sql.types.Values;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** ABS, ROUND, FLOOR, CEIL, SQRT; TIMESTAMPTOSTRING, STRINGTOTIMESTAMP, UNIX_TIMESTAMP; IFNULL, COALESCE. */
final class MathTimeFunctions {
  private static final Map<String, DateTimeFormatter> FORMATTERS = new ConcurrentHashMap<>();
  /** Bound on the cache of parsed patterns (patterns normally come from query text). */
  private static final int FORMATTERS_MAX = 1_000;

  private MathTimeFunctions() {}

  static void register(Map<String, ScalarFunction> out) {
    StringFunctions.add(out, new Scalar("ABS", "ABS(number)", t -> numeric1(t) ? t.get(0) : null, true, a -> {
      Object v = a[0];
      return v instanceof Integer i ? (Object) Math.abs(i) : v instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(((Number) v).doubleValue());
    }));
    StringFunctions.add(out, new Scalar("CEIL", "CEIL(number)", t -> numeric1(t) ? t.get(0) : null, true,
        a -> a[0] instanceof Double d ? (Object) Math.ceil(d) : a[0]));
    StringFunctions.add(out, new Scalar("FLOOR", "FLOOR(number)", t -> numeric1(t) ? t.get(0) : null, true,
        a -> a[0] instanceof Double d ? (Object) Math.floor(d) : a[0]));
    StringFunctions.add(out, new Scalar("SQRT", "SQRT(number)", t -> numeric1(t) ? SqlType.DOUBLE : null, true,
        a -> Math.sqrt(((Number) a[0]).doubleValue())));
    // ROUND(DOUBLE) is a BIGINT, ROUND(x, digits) keeps x's type; halves round away from zero.
    StringFunctions.add(out, new Scalar("ROUND", "ROUND(number [, INT digits])",
        t -> {
          if (t.size() == 1 && numeric1(t)) {
            return t.get(0).base() == SqlType.Base.DOUBLE ? SqlType.BIGINT : t.get(0);
          }
          if (t.size() == 2 && numeric1(t.subList(0, 1)) && StringFunctions.ints(t.subList(1, 2))) {
            return t.get(0);
          }
          return null;
        },
        true, MathTimeFunctions::round));
    StringFunctions.add(out, new Scalar("TIMESTAMPTOSTRING", "TIMESTAMPTOSTRING(BIGINT ms, STRING pattern [, STRING zone])",
        t -> t.size() >= 2 && t.size() <= 3 && StringFunctions.ints(t.subList(0, 1))
            && StringFunctions.strings(t.subList(1, t.size()), 1, 2) ? SqlType.STRING : null,
        true,
        a -> formatter((String) a[1]).withZone(zone(a, 2)).format(Instant.ofEpochMilli(((Number) a[0]).longValue()))));
    StringFunctions.add(out, new Scalar("STRINGTOTIMESTAMP", "STRINGTOTIMESTAMP(STRING text, STRING pattern [, STRING zone])",
        t -> StringFunctions.strings(t, 2, 3) ? SqlType.BIGINT : null, true, MathTimeFunctions::parseTimestamp));
    StringFunctions.add(out, new Scalar("UNIX_TIMESTAMP", "UNIX_TIMESTAMP()", t -> t.isEmpty() ? SqlType.BIGINT : null, false,
        a -> System.currentTimeMillis()));
    StringFunctions.add(out, new Scalar("IFNULL", "IFNULL(x, default)",
        t -> t.size() == 2 ? common(t) : null, false, a -> a[0] != null ? a[0] : a[1]));
    StringFunctions.add(out, new Scalar("COALESCE", "COALESCE(x, ...)",
        t -> t.isEmpty() ? null : common(t), false, a -> {
          for (Object o : a) {
            if (o != null) {
              return o;
            }
          }
          return null;
        }));
  }

  /** The common type of the arguments (numbers widen), or null when they do not agree. */
  static SqlType common(List<SqlType> types) {
    SqlType result = SqlType.NULL;
    for (SqlType t : types) {
      if (result.isNull()) {
        result = t;
      } else if (t.isNull() || t.equals(result)) {
        continue;
      } else if (t.isNumeric() && result.isNumeric()) {
        result = SqlType.widerNumeric(result, t);
      } else {
        return null;
      }
    }
    return result;
  }

  private static boolean numeric1(List<SqlType> t) {
    return t.size() == 1 && t.get(0).isNumeric();
  }

  private static Object round(Object[] a) {
    int digits = a.length > 1 ? ((Number) a[1]).intValue() : 0;
    if (a[0] instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return a.length > 1 ? d : null;
      }
      BigDecimal r = BigDecimal.valueOf(d).setScale(digits, RoundingMode.HALF_UP);
      return a.length > 1 ? (Object) r.doubleValue() : (Object) r.longValue();
    }
    if (digits >= 0) {
      return a[0];
    }
    BigDecimal r = new BigDecimal(((Number) a[0]).longValue()).setScale(digits, RoundingMode.HALF_UP);
    return a[0] instanceof Integer ? (Object) r.intValue() : (Object) r.longValue();
  }

  private static ZoneId zone(Object[] a, int i) {
    return a.length > i ? ZoneId.of((String) a[i]) : ZoneOffset.UTC;
  }

  private static DateTimeFormatter formatter(String pattern) {
    DateTimeFormatter f = FORMATTERS.get(pattern);
    if (f == null) {
      f = DateTimeFormatter.ofPattern(pattern);
      if (FORMATTERS.size() < FORMATTERS_MAX) {
        FORMATTERS.put(pattern, f);
      }
    }
    return f;
  }

  /** Null (not an error) when the text does not match the pattern: one bad record must not stop a query. */
  private static Object parseTimestamp(Object[] a) {
    try {
      TemporalAccessor t = formatter((String) a[1]).withZone(zone(a, 2)).parse((String) a[0]);
      if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
        return Instant.from(t).toEpochMilli();
      }
      LocalDateTime local = t.isSupported(ChronoField.HOUR_OF_DAY)
          ? LocalDateTime.of(t.get(ChronoField.YEAR), t.get(ChronoField.MONTH_OF_YEAR), t.get(ChronoField.DAY_OF_MONTH),
              t.get(ChronoField.HOUR_OF_DAY), t.get(ChronoField.MINUTE_OF_HOUR))
          : LocalDateTime.of(t.get(ChronoField.YEAR), t.get(ChronoField.MONTH_OF_YEAR), t.get(ChronoField.DAY_OF_MONTH), 0, 0);
      return local.atZone(zone(a, 2)).toInstant().toEpochMilli();
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  static Object castNumber(Object v, SqlType t) {
    return Values.widen(v, t);
  }
}
