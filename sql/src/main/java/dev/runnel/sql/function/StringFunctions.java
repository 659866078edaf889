package dev.runnel.sql.function;

import dev.runnel.sql.types.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** UCASE, LCASE, SUBSTRING, CONCAT, LEN, TRIM/LTRIM/RTRIM, REPLACE, SPLIT and the MASK family. */
final class StringFunctions {
  private StringFunctions() {}

  static void register(Map<String, ScalarFunction> out) {
    add(out, new Scalar("UCASE", "UCASE(STRING)", t -> strings(t, 1, 1) ? SqlType.STRING : null, true,
        a -> ((String) a[0]).toUpperCase(Locale.ROOT)));
    add(out, new Scalar("LCASE", "LCASE(STRING)", t -> strings(t, 1, 1) ? SqlType.STRING : null, true,
        a -> ((String) a[0]).toLowerCase(Locale.ROOT)));
    add(out, new Scalar("LEN", "LEN(STRING)", t -> strings(t, 1, 1) ? SqlType.INTEGER : null, true,
        a -> ((String) a[0]).codePointCount(0, ((String) a[0]).length())));
    add(out, new Scalar("TRIM", "TRIM(STRING)", t -> strings(t, 1, 1) ? SqlType.STRING : null, true,
        a -> ((String) a[0]).strip()));
    add(out, new Scalar("LTRIM", "LTRIM(STRING)", t -> strings(t, 1, 1) ? SqlType.STRING : null, true,
        a -> ((String) a[0]).stripLeading()));
    add(out, new Scalar("RTRIM", "RTRIM(STRING)", t -> strings(t, 1, 1) ? SqlType.STRING : null, true,
        a -> ((String) a[0]).stripTrailing()));
    add(out, new Scalar("REPLACE", "REPLACE(STRING, STRING old, STRING new)",
        t -> strings(t, 3, 3) ? SqlType.STRING : null, true,
        a -> ((String) a[0]).replace((String) a[1], (String) a[2])));
    add(out, new Scalar("SPLIT", "SPLIT(STRING, STRING delimiter)",
        t -> strings(t, 2, 2) ? SqlType.array(SqlType.STRING) : null, true, a -> split((String) a[0], (String) a[1])));
    // CONCAT skips null arguments (ksqlDB does the same) and is null only when all are null.
    add(out, new Scalar("CONCAT", "CONCAT(STRING, STRING, ...)", t -> strings(t, 1, 64) ? SqlType.STRING : null, false,
        StringFunctions::concat));
    add(out, new Scalar("SUBSTRING", "SUBSTRING(STRING, INT pos [, INT length])",
        t -> t.size() >= 2 && t.size() <= 3 && isString(t.get(0)) && ints(t.subList(1, t.size())) ? SqlType.STRING : null,
        true, StringFunctions::substring));
    add(out, new Scalar("MASK", "MASK(STRING [, upper, lower, digit, other])",
        t -> strings(t, 1, 5) ? SqlType.STRING : null, false,
        a -> a[0] == null ? null : Masker.of(a, 1).mask((String) a[0], 0, ((String) a[0]).length())));
    add(out, maskPart("MASK_LEFT", (s, n) -> new int[] {0, Math.min(n, s.length())}));
    add(out, maskPart("MASK_RIGHT", (s, n) -> new int[] {Math.max(0, s.length() - n), s.length()}));
    add(out, maskPart("MASK_KEEP_LEFT", (s, n) -> new int[] {Math.min(n, s.length()), s.length()}));
    add(out, maskPart("MASK_KEEP_RIGHT", (s, n) -> new int[] {0, Math.max(0, s.length() - n)}));
  }

  private interface Range {
    int[] of(String s, int n);
  }

  private static ScalarFunction maskPart(String name, Range range) {
    return new Scalar(name, name + "(STRING, INT n [, upper, lower, digit, other])",
        t -> t.size() >= 2 && t.size() <= 6 && isString(t.get(0)) && ints(t.subList(1, 2))
            && strings(t.subList(2, t.size()), 0, 4) ? SqlType.STRING : null,
        false,
        a -> {
          if (a[0] == null || a[1] == null) {
            return null;
          }
          String s = (String) a[0];
          int[] r = range.of(s, Math.max(0, ((Number) a[1]).intValue()));
          return Masker.of(a, 2).mask(s, r[0], r[1]);
        });
  }

  /**
   * ksqlDB's masking: upper-case letters to 'X', lower-case to 'x', digits to 'n', others to '-';
   * an argument overrides a class's replacement, and a NULL argument keeps that class as is.
   */
  private record Masker(Character upper, Character lower, Character digit, Character other) {
    static Masker of(Object[] a, int from) {
      return new Masker(pick(a, from, 'X'), pick(a, from + 1, 'x'), pick(a, from + 2, 'n'), pick(a, from + 3, '-'));
    }

    private static Character pick(Object[] a, int i, char dflt) {
      if (i >= a.length) {
        return dflt;
      }
      if (a[i] == null || ((String) a[i]).isEmpty()) {
        return null;
      }
      return ((String) a[i]).charAt(0);
    }

    String mask(String s, int from, int to) {
      StringBuilder b = new StringBuilder(s);
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        Character r = Character.isUpperCase(c) ? upper : Character.isLowerCase(c) ? lower : Character.isDigit(c) ? digit : other;
        if (r != null) {
          b.setCharAt(i, r);
        }
      }
      return b.toString();
    }
  }

  private static Object concat(Object[] a) {
    StringBuilder b = null;
    for (Object o : a) {
      if (o != null) {
        b = b == null ? new StringBuilder() : b;
        b.append((String) o);
      }
    }
    return b == null ? null : b.toString();
  }

  /** 1-based position; a negative position counts from the end (as in ksqlDB). */
  private static Object substring(Object[] a) {
    String s = (String) a[0];
    int pos = ((Number) a[1]).intValue();
    int start = pos > 0 ? pos - 1 : pos < 0 ? Math.max(0, s.length() + pos) : 0;
    if (start >= s.length()) {
      return "";
    }
    int end = s.length();
    if (a.length > 2) {
      int len = ((Number) a[2]).intValue();
      if (len <= 0) {
        return "";
      }
      end = (int) Math.min((long) start + len, s.length());
    }
    return s.substring(start, end);
  }

  private static List<String> split(String s, String delimiter) {
    List<String> out = new ArrayList<>();
    if (delimiter.isEmpty()) {
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
      return out;
    }
    for (String part : s.split(Pattern.quote(delimiter), -1)) {
      out.add(part);
    }
    return out;
  }

  static boolean isString(SqlType t) {
    return t.base() == SqlType.Base.STRING || t.isNull();
  }

  static boolean strings(List<SqlType> types, int min, int max) {
    return types.size() >= min && types.size() <= max && types.stream().allMatch(StringFunctions::isString);
  }

  static boolean ints(List<SqlType> types) {
    return types.stream().allMatch(t -> t.base() == SqlType.Base.INTEGER || t.base() == SqlType.Base.BIGINT || t.isNull());
  }

  static void add(Map<String, ScalarFunction> out, ScalarFunction f) {
    out.put(f.name(), f);
  }
}
