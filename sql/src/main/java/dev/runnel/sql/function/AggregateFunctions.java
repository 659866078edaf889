package dev.runnel.sql.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.types.SqlType;
import dev.runnel.sql.types.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * COUNT, SUM, AVG, MIN, MAX, COUNT_DISTINCT, COLLECT_LIST, COLLECT_SET, EARLIEST_BY_OFFSET,
 * LATEST_BY_OFFSET, TOPK. Null inputs are skipped (COUNT(*) counts rows).
 */
public final class AggregateFunctions {
  /** ksqlDB's default bound (ksql.functions.collect_list.limit) on COLLECT_LIST/COLLECT_SET. */
  public static final int COLLECT_ITEMS_MAX = 1_000;
  /** Bound on the distinct values COUNT_DISTINCT keeps per group (it counts exactly). */
  public static final int DISTINCT_VALUES_MAX = 100_000;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> NAMES = Set.of(
      "COUNT", "SUM", "AVG", "MIN", "MAX", "COUNT_DISTINCT", "COLLECT_LIST", "COLLECT_SET",
      "EARLIEST_BY_OFFSET", "LATEST_BY_OFFSET", "TOPK");

  private AggregateFunctions() {}

  public static boolean isAggregate(String name) {
    return NAMES.contains(name);
  }

  /**
   * Binds {@code name} to its argument types. {@code literals} holds the constant value of each
   * argument that is a literal (null otherwise): TOPK's k and the ignoreNulls flags.
   */
  public static Aggregator create(String name, boolean star, List<SqlType> types, List<Object> literals) {
    if (star) {
      if (!name.equals("COUNT")) {
        throw new SqlException(name + "(*) is not supported; only COUNT(*)");
      }
      return new Count(true);
    }
    switch (name) {
      case "COUNT":
        arity(name, types, 1, 1, "COUNT(*) or COUNT(column)");
        return new Count(false);
      case "SUM":
        arity(name, types, 1, 1, "SUM(number)");
        return new Sum(numeric(name, types.get(0)));
      case "AVG":
        arity(name, types, 1, 1, "AVG(number)");
        numeric(name, types.get(0));
        return new Avg();
      case "MIN":
      case "MAX":
        arity(name, types, 1, 1, name + "(number or STRING)");
        SqlType t = types.get(0);
        if (!t.isNumeric() && t.base() != SqlType.Base.STRING && t.base() != SqlType.Base.BOOLEAN) {
          throw new SqlException(name + " needs a numeric, STRING or BOOLEAN argument, got " + t);
        }
        return new MinMax(t, name.equals("MAX"));
      case "COUNT_DISTINCT":
        arity(name, types, 1, 1, "COUNT_DISTINCT(column)");
        return new Collect(types.get(0), true, true);
      case "COLLECT_LIST":
        arity(name, types, 1, 1, "COLLECT_LIST(column)");
        return new Collect(types.get(0), false, false);
      case "COLLECT_SET":
        arity(name, types, 1, 1, "COLLECT_SET(column)");
        return new Collect(types.get(0), true, false);
      case "EARLIEST_BY_OFFSET":
      case "LATEST_BY_OFFSET": {
        arity(name, types, 1, 2, name + "(column [, BOOLEAN ignoreNulls])");
        boolean ignoreNulls = true;
        if (types.size() == 2) {
          if (!(literals.get(1) instanceof Boolean b)) {
            throw new SqlException(name + "'s second argument must be the literal TRUE or FALSE");
          }
          ignoreNulls = b;
        }
        return new ByOffset(types.get(0), name.startsWith("LATEST"), ignoreNulls);
      }
      case "TOPK": {
        arity(name, types, 2, 2, "TOPK(column, INT k)");
        if (!(literals.get(1) instanceof Integer k) || k < 1 || k > COLLECT_ITEMS_MAX) {
          throw new SqlException("TOPK's k must be an integer literal between 1 and " + COLLECT_ITEMS_MAX);
        }
        SqlType vt = types.get(0);
        if (!vt.isNumeric() && vt.base() != SqlType.Base.STRING) {
          throw new SqlException("TOPK needs a numeric or STRING column, got " + vt);
        }
        return new TopK(vt, k);
      }
      default:
        throw new IllegalStateException("not an aggregate: " + name);
    }
  }

  private static void arity(String name, List<SqlType> types, int min, int max, String signature) {
    if (types.size() < min || types.size() > max) {
      throw new SqlException("Wrong number of arguments for " + name + ": expected " + signature);
    }
  }

  private static SqlType numeric(String name, SqlType t) {
    if (!t.isNumeric()) {
      throw new SqlException(name + " needs a numeric argument, got " + t);
    }
    return t;
  }

  @SuppressWarnings("unchecked")
  static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return (x instanceof Double || y instanceof Double)
          ? Double.compare(x.doubleValue(), y.doubleValue())
          : Long.compare(x.longValue(), y.longValue());
    }
    return ((Comparable<Object>) a).compareTo(b);
  }

  private record Count(boolean star) implements Aggregator {
    public SqlType resultType() { return SqlType.BIGINT; }
    public Object init() { return 0L; }
    public Object add(Object s, Object[] a, long offset) { return star || a[0] != null ? (Long) s + 1 : s; }
    public Object merge(Object a, Object b) { return (Long) a + (Long) b; }
    public Object result(Object s) { return s; }
    public JsonNode toJson(Object s) { return NODES.numberNode((Long) s); }
    public Object fromJson(JsonNode j) { return j.longValue(); }
  }

  private record Sum(SqlType type) implements Aggregator {
    public SqlType resultType() { return type; }
    public Object init() { return Values.widen(0, type); }
    public Object add(Object s, Object[] a, long offset) { return a[0] == null ? s : plus(s, a[0]); }
    public Object merge(Object a, Object b) { return plus(a, b); }
    private Object plus(Object x, Object y) {
      return switch (type.base()) {
        case INTEGER -> ((Number) x).intValue() + ((Number) y).intValue();
        case BIGINT -> ((Number) x).longValue() + ((Number) y).longValue();
        default -> ((Number) x).doubleValue() + ((Number) y).doubleValue();
      };
    }
    public Object result(Object s) { return s; }
    public JsonNode toJson(Object s) { return Values.toJson(s, type); }
    public Object fromJson(JsonNode j) { return Values.fromJson(j, type); }
  }

  /** State: [sum, count]. AVG of no rows is null. */
  private record Avg() implements Aggregator {
    public SqlType resultType() { return SqlType.DOUBLE; }
    public Object init() { return new double[] {0, 0}; }
    public Object add(Object s, Object[] a, long offset) {
      if (a[0] == null) {
        return s;
      }
      double[] d = (double[]) s;
      return new double[] {d[0] + ((Number) a[0]).doubleValue(), d[1] + 1};
    }
    public Object merge(Object a, Object b) {
      double[] x = (double[]) a;
      double[] y = (double[]) b;
      return new double[] {x[0] + y[0], x[1] + y[1]};
    }
    public Object result(Object s) {
      double[] d = (double[]) s;
      return d[1] == 0 ? null : d[0] / d[1];
    }
    public JsonNode toJson(Object s) {
      double[] d = (double[]) s;
      return NODES.arrayNode().add(d[0]).add(d[1]);
    }
    public Object fromJson(JsonNode j) { return new double[] {j.get(0).doubleValue(), j.get(1).doubleValue()}; }
  }

  private record MinMax(SqlType type, boolean max) implements Aggregator {
    public SqlType resultType() { return type; }
    public Object init() { return null; }
    public Object add(Object s, Object[] a, long offset) { return pick(s, a[0]); }
    public Object merge(Object a, Object b) { return pick(a, b); }
    private Object pick(Object s, Object v) {
      if (v == null) {
        return s;
      }
      if (s == null) {
        return v;
      }
      int c = compare(v, s);
      return (max ? c > 0 : c < 0) ? v : s;
    }
    public Object result(Object s) { return s; }
    public JsonNode toJson(Object s) { return Values.toJson(s, type); }
    public Object fromJson(JsonNode j) { return Values.fromJson(j, type); }
  }

  /** COLLECT_LIST, COLLECT_SET and COUNT_DISTINCT (a set it counts). State: a List. */
  private record Collect(SqlType type, boolean distinct, boolean count) implements Aggregator {
    public SqlType resultType() { return count ? SqlType.BIGINT : SqlType.array(type); }
    public Object init() { return new ArrayList<>(); }
    @SuppressWarnings("unchecked")
    public Object add(Object s, Object[] a, long offset) {
      List<Object> list = (List<Object>) s;
      Object v = a[0];
      if (v == null && (count || distinct)) {
        return list;
      }
      int bound = count ? DISTINCT_VALUES_MAX : COLLECT_ITEMS_MAX;
      if (list.size() < bound && !(distinct && list.contains(v))) {
        List<Object> copy = new ArrayList<>(list);
        copy.add(v);
        return copy;
      }
      return list;
    }
    @SuppressWarnings("unchecked")
    public Object merge(Object a, Object b) {
      Object s = a;
      for (Object v : (List<Object>) b) {
        s = add(s, new Object[] {v}, 0);
      }
      return s;
    }
    public Object result(Object s) {
      return count ? (Object) (long) ((List<?>) s).size() : List.copyOf(distinct ? new LinkedHashSet<>((List<?>) s) : (List<?>) s);
    }
    public JsonNode toJson(Object s) { return Values.toJson(s, SqlType.array(type)); }
    public Object fromJson(JsonNode j) { return new ArrayList<>((List<?>) Values.fromJson(j, SqlType.array(type))); }
  }

  /** State: [offset, value] of the chosen record, or null before the first (non-null) value. */
  private record ByOffset(SqlType type, boolean latest, boolean ignoreNulls) implements Aggregator {
    public SqlType resultType() { return type; }
    public Object init() { return null; }
    public Object add(Object s, Object[] a, long offset) {
      if (a[0] == null && ignoreNulls) {
        return s;
      }
      return pick(s, new Object[] {offset, a[0]});
    }
    public Object merge(Object a, Object b) { return b == null ? a : pick(a, b); }
    private Object pick(Object s, Object candidate) {
      if (s == null) {
        return candidate;
      }
      long current = (Long) ((Object[]) s)[0];
      long next = (Long) ((Object[]) candidate)[0];
      return (latest ? next >= current : next < current) ? candidate : s;
    }
    public Object result(Object s) { return s == null ? null : ((Object[]) s)[1]; }
    public JsonNode toJson(Object s) {
      if (s == null) {
        return NODES.nullNode();
      }
      Object[] p = (Object[]) s;
      return NODES.arrayNode().add((Long) p[0]).add(Values.toJson(p[1], type));
    }
    public Object fromJson(JsonNode j) {
      return j.isNull() ? null : new Object[] {j.get(0).longValue(), Values.fromJson(j.get(1), type)};
    }
  }

  /** State: up to k values, largest first. */
  private record TopK(SqlType type, int k) implements Aggregator {
    public SqlType resultType() { return SqlType.array(type); }
    public Object init() { return new ArrayList<>(); }
    @SuppressWarnings("unchecked")
    public Object add(Object s, Object[] a, long offset) {
      if (a[0] == null) {
        return s;
      }
      List<Object> list = new ArrayList<>((List<Object>) s);
      list.add(a[0]);
      list.sort(Comparator.comparing((Object o) -> o, AggregateFunctions::compare).reversed());
      return list.size() > k ? new ArrayList<>(list.subList(0, k)) : list;
    }
    @SuppressWarnings("unchecked")
    public Object merge(Object a, Object b) {
      Object s = a;
      for (Object v : (List<Object>) b) {
        s = add(s, new Object[] {v}, 0);
      }
      return s;
    }
    public Object result(Object s) { return List.copyOf((List<?>) s); }
    public JsonNode toJson(Object s) { return Values.toJson(s, SqlType.array(type)); }
    public Object fromJson(JsonNode j) { return new ArrayList<>((List<?>) Values.fromJson(j, SqlType.array(type))); }
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  static ObjectNode object() {
    return NODES.objectNode();
  }
}
