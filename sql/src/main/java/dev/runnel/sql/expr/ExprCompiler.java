package dev.runnel.sql.expr;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.ast.Pos;
import dev.runnel.sql.function.AggregateFunctions;
import dev.runnel.sql.function.Functions;
import dev.runnel.sql.function.ScalarFunction;
import dev.runnel.sql.types.SqlType;
import dev.runnel.sql.types.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Type-checks an expression in a {@link Scope} and turns it into an {@link Evaluator}. SQL's
 * three-valued logic: comparisons and arithmetic with a null operand are null; WHERE and HAVING
 * keep a row only when the condition is TRUE.
 */
public final class ExprCompiler {
  private ExprCompiler() {}

  public static Compiled compile(Expr expr, Scope scope) {
    Compiled replaced = scope.replace(expr);
    if (replaced != null) {
      return replaced;
    }
    if (expr instanceof Expr.Literal lit) {
      Object v = lit.value();
      return new Compiled(row -> v, lit.type());
    }
    if (expr instanceof Expr.Column col) {
      return scope.resolve(col);
    }
    if (expr instanceof Expr.Call call) {
      return call(call, scope);
    }
    if (expr instanceof Expr.Arith a) {
      return arith(a, scope);
    }
    if (expr instanceof Expr.Negate n) {
      Compiled c = compile(n.operand(), scope);
      requireNumeric(c, n.pos(), "unary minus");
      Evaluator e = c.eval();
      return new Compiled(row -> negate(e.eval(row)), c.type());
    }
    if (expr instanceof Expr.Compare c) {
      return compare(c, scope);
    }
    if (expr instanceof Expr.Logic l) {
      Evaluator left = bool(l.left(), scope, l.and() ? "AND" : "OR");
      Evaluator right = bool(l.right(), scope, l.and() ? "AND" : "OR");
      if (l.and()) {
        return new Compiled(row -> and(left.eval(row), right, row), SqlType.BOOLEAN);
      }
      return new Compiled(row -> or(left.eval(row), right, row), SqlType.BOOLEAN);
    }
    if (expr instanceof Expr.Not n) {
      Evaluator e = bool(n.operand(), scope, "NOT");
      return new Compiled(row -> {
        Object v = e.eval(row);
        return v == null ? null : !(Boolean) v;
      }, SqlType.BOOLEAN);
    }
    if (expr instanceof Expr.Between b) {
      Expr lower = new Expr.Compare(Expr.CmpOp.GTE, b.value(), b.lower(), b.pos());
      Expr upper = new Expr.Compare(Expr.CmpOp.LTE, b.value(), b.upper(), b.pos());
      Expr both = new Expr.Logic(true, lower, upper, b.pos());
      return compile(b.negated() ? new Expr.Not(both, b.pos()) : both, scope);
    }
    if (expr instanceof Expr.InList in) {
      return inList(in, scope);
    }
    if (expr instanceof Expr.Like like) {
      return like(like, scope);
    }
    if (expr instanceof Expr.IsNull n) {
      Evaluator e = compile(n.value(), scope).eval();
      boolean negated = n.negated();
      return new Compiled(row -> (e.eval(row) == null) != negated, SqlType.BOOLEAN);
    }
    if (expr instanceof Expr.Case c) {
      return caseExpr(c, scope);
    }
    if (expr instanceof Expr.Cast c) {
      return cast(c, scope);
    }
    if (expr instanceof Expr.Dereference d) {
      return dereference(d, scope);
    }
    if (expr instanceof Expr.Subscript s) {
      return subscript(s, scope);
    }
    if (expr instanceof Expr.ArrayOf a) {
      return arrayOf(a, scope);
    }
    if (expr instanceof Expr.MapOf m) {
      return mapOf(m, scope);
    }
    if (expr instanceof Expr.StructOf s) {
      return structOf(s, scope);
    }
    throw new IllegalStateException("unhandled expression " + expr);
  }

  /** Compiles a condition (WHERE, HAVING, ON): it must be BOOLEAN. */
  public static Evaluator condition(Expr expr, Scope scope, String clause) {
    Compiled c = compile(expr, scope);
    if (c.type().base() != SqlType.Base.BOOLEAN && !c.type().isNull()) {
      throw error(expr.pos(), clause + " needs a BOOLEAN condition, got " + c.type());
    }
    return c.eval();
  }

  private static Evaluator bool(Expr e, Scope scope, String op) {
    Compiled c = compile(e, scope);
    if (c.type().base() != SqlType.Base.BOOLEAN && !c.type().isNull()) {
      throw error(e.pos(), op + " needs BOOLEAN operands, got " + c.type());
    }
    return c.eval();
  }

  private static Object and(Object left, Evaluator right, Object[] row) {
    if (Boolean.FALSE.equals(left)) {
      return false;
    }
    Object r = right.eval(row);
    if (Boolean.FALSE.equals(r)) {
      return false;
    }
    return left == null || r == null ? null : true;
  }

  private static Object or(Object left, Evaluator right, Object[] row) {
    if (Boolean.TRUE.equals(left)) {
      return true;
    }
    Object r = right.eval(row);
    if (Boolean.TRUE.equals(r)) {
      return true;
    }
    return left == null || r == null ? null : false;
  }

  // ---- functions

  private static Compiled call(Expr.Call call, Scope scope) {
    String name = call.name();
    if (AggregateFunctions.isAggregate(name)) {
      throw error(call.pos(), scope.aggregatesForbiddenReason() + ": " + name);
    }
    if ((name.equals("WINDOWSTART") || name.equals("WINDOWEND") || name.equals("ROWTIME")) && call.args().isEmpty()) {
      return scope.resolve(new Expr.Column(null, name, call.pos()));
    }
    ScalarFunction f = Functions.scalar(name);
    if (f == null) {
      throw error(call.pos(), "Unknown function '" + name + "'");
    }
    if (call.star()) {
      throw error(call.pos(), name + "(*) is not valid; only COUNT(*) takes *");
    }
    List<Compiled> args = new ArrayList<>();
    for (Expr a : call.args()) {
      args.add(compile(a, scope));
    }
    SqlType type = f.returnType(args.stream().map(Compiled::type).toList());
    if (type == null) {
      throw error(call.pos(), "Function " + name + " does not accept ("
          + String.join(", ", args.stream().map(a -> a.type().toString()).toList()) + "); expected " + f.signature());
    }
    Evaluator[] evals = args.stream().map(Compiled::eval).toArray(Evaluator[]::new);
    boolean nullIfAnyNull = f.nullIfAnyNull();
    SqlType result = type;
    return new Compiled(row -> {
      Object[] values = new Object[evals.length];
      for (int i = 0; i < evals.length; i++) {
        values[i] = evals[i].eval(row);
        if (values[i] == null && nullIfAnyNull) {
          return null;
        }
      }
      return Values.widen(f.apply(values), result);
    }, type);
  }

  // ---- arithmetic

  private static Compiled arith(Expr.Arith a, Scope scope) {
    Compiled l = compile(a.left(), scope);
    Compiled r = compile(a.right(), scope);
    Evaluator le = l.eval();
    Evaluator re = r.eval();
    boolean strings = (l.type().base() == SqlType.Base.STRING || l.type().isNull())
        && (r.type().base() == SqlType.Base.STRING || r.type().isNull()) && !(l.type().isNull() && r.type().isNull());
    if (a.op() == Expr.ArithOp.ADD && strings) {
      return new Compiled(row -> {
        Object x = le.eval(row);
        Object y = re.eval(row);
        return x == null || y == null ? null : (String) x + y;
      }, SqlType.STRING);
    }
    requireNumeric(l, a.left().pos(), "operator " + a.op().symbol);
    requireNumeric(r, a.right().pos(), "operator " + a.op().symbol);
    SqlType type = SqlType.widerNumeric(l.type(), r.type());
    Expr.ArithOp op = a.op();
    return new Compiled(row -> {
      Object x = le.eval(row);
      Object y = re.eval(row);
      return x == null || y == null ? null : arith(op, (Number) x, (Number) y, type);
    }, type);
  }

  /** Integer division by zero is null (one bad record must not stop the query); doubles follow IEEE. */
  static Object arith(Expr.ArithOp op, Number x, Number y, SqlType type) {
    switch (type.base()) {
      case INTEGER: {
        int a = x.intValue();
        int b = y.intValue();
        return switch (op) {
          case ADD -> a + b;
          case SUB -> a - b;
          case MUL -> a * b;
          case DIV -> b == 0 ? null : a / b;
          case MOD -> b == 0 ? null : a % b;
        };
      }
      case BIGINT: {
        long a = x.longValue();
        long b = y.longValue();
        return switch (op) {
          case ADD -> a + b;
          case SUB -> a - b;
          case MUL -> a * b;
          case DIV -> b == 0 ? null : a / b;
          case MOD -> b == 0 ? null : a % b;
        };
      }
      default: {
        double a = x.doubleValue();
        double b = y.doubleValue();
        return switch (op) {
          case ADD -> a + b;
          case SUB -> a - b;
          case MUL -> a * b;
          case DIV -> a / b;
          case MOD -> a % b;
        };
      }
    }
  }

  private static Object negate(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Integer i) {
      return -i;
    }
    if (v instanceof Long l) {
      return -l;
    }
    return -((Number) v).doubleValue();
  }

  private static void requireNumeric(Compiled c, Pos pos, String what) {
    if (!c.type().isNumeric() && !c.type().isNull()) {
      throw error(pos, what + " needs numeric operands, got " + c.type());
    }
  }

  // ---- comparisons

  private static Compiled compare(Expr.Compare c, Scope scope) {
    Compiled l = compile(c.left(), scope);
    Compiled r = compile(c.right(), scope);
    checkComparable(l.type(), r.type(), c.op(), c.pos());
    Evaluator le = l.eval();
    Evaluator re = r.eval();
    Expr.CmpOp op = c.op();
    return new Compiled(row -> {
      Object x = le.eval(row);
      Object y = re.eval(row);
      if (x == null || y == null) {
        return null;
      }
      return switch (op) {
        case EQ -> valuesEqual(x, y);
        case NEQ -> !valuesEqual(x, y);
        case LT -> compareValues(x, y) < 0;
        case LTE -> compareValues(x, y) <= 0;
        case GT -> compareValues(x, y) > 0;
        case GTE -> compareValues(x, y) >= 0;
      };
    }, SqlType.BOOLEAN);
  }

  private static void checkComparable(SqlType a, SqlType b, Expr.CmpOp op, Pos pos) {
    if (a.isNull() || b.isNull()) {
      return;
    }
    boolean ok = (a.isNumeric() && b.isNumeric()) || a.base() == b.base();
    if (!ok) {
      throw error(pos, "Cannot compare " + a + " " + op.symbol + " " + b);
    }
    boolean ordered = a.isNumeric() || a.base() == SqlType.Base.STRING || a.base() == SqlType.Base.BOOLEAN;
    if (!ordered && op != Expr.CmpOp.EQ && op != Expr.CmpOp.NEQ) {
      throw error(pos, "Operator " + op.symbol + " is not defined on " + a + "; only = and <>");
    }
  }

  public static boolean valuesEqual(Object x, Object y) {
    if (x instanceof Number a && y instanceof Number b) {
      return (a instanceof Double || b instanceof Double) ? a.doubleValue() == b.doubleValue() : a.longValue() == b.longValue();
    }
    return Objects.equals(x, y);
  }

  @SuppressWarnings("unchecked")
  public static int compareValues(Object x, Object y) {
    if (x instanceof Number a && y instanceof Number b) {
      return (a instanceof Double || b instanceof Double)
          ? Double.compare(a.doubleValue(), b.doubleValue())
          : Long.compare(a.longValue(), b.longValue());
    }
    return ((Comparable<Object>) x).compareTo(y);
  }

  private static Compiled inList(Expr.InList in, Scope scope) {
    Compiled v = compile(in.value(), scope);
    List<Evaluator> items = new ArrayList<>();
    for (Expr e : in.list()) {
      Compiled c = compile(e, scope);
      checkComparable(v.type(), c.type(), Expr.CmpOp.EQ, e.pos());
      items.add(c.eval());
    }
    Evaluator ve = v.eval();
    boolean negated = in.negated();
    return new Compiled(row -> {
      Object x = ve.eval(row);
      if (x == null) {
        return null;
      }
      boolean sawNull = false;
      for (Evaluator item : items) {
        Object y = item.eval(row);
        if (y == null) {
          sawNull = true;
        } else if (valuesEqual(x, y)) {
          return !negated;
        }
      }
      return sawNull ? null : negated;
    }, SqlType.BOOLEAN);
  }

  private static Compiled like(Expr.Like like, Scope scope) {
    Compiled v = compile(like.value(), scope);
    Compiled p = compile(like.pattern(), scope);
    if (!(v.type().base() == SqlType.Base.STRING || v.type().isNull())
        || !(p.type().base() == SqlType.Base.STRING || p.type().isNull())) {
      throw error(like.pos(), "LIKE needs STRING operands, got " + v.type() + " LIKE " + p.type());
    }
    Character escape = like.escape() == null ? null : like.escape().charAt(0);
    Evaluator ve = v.eval();
    Evaluator pe = p.eval();
    // A literal pattern (the usual case) compiles once.
    Pattern constant = like.pattern() instanceof Expr.Literal lit && lit.value() != null
        ? likePattern((String) lit.value(), escape) : null;
    boolean negated = like.negated();
    return new Compiled(row -> {
      Object x = ve.eval(row);
      Object pattern = pe.eval(row);
      if (x == null || pattern == null) {
        return null;
      }
      Pattern regex = constant != null ? constant : likePattern((String) pattern, escape);
      return regex.matcher((String) x).matches() != negated;
    }, SqlType.BOOLEAN);
  }

  static Pattern likePattern(String pattern, Character escape) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (escape != null && c == escape && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  // ---- CASE, CAST, structures

  private static Compiled caseExpr(Expr.Case c, Scope scope) {
    List<Evaluator> conditions = new ArrayList<>();
    List<Compiled> results = new ArrayList<>();
    Compiled operand = c.operand() == null ? null : compile(c.operand(), scope);
    for (Expr.When w : c.whens()) {
      if (operand == null) {
        conditions.add(bool(w.condition(), scope, "WHEN"));
      } else {
        Compiled when = compile(w.condition(), scope);
        checkComparable(operand.type(), when.type(), Expr.CmpOp.EQ, w.condition().pos());
        Evaluator oe = operand.eval();
        Evaluator we = when.eval();
        conditions.add(row -> {
          Object x = oe.eval(row);
          Object y = we.eval(row);
          return x != null && y != null && valuesEqual(x, y);
        });
      }
      results.add(compile(w.result(), scope));
    }
    Compiled otherwise = c.otherwise() == null ? null : compile(c.otherwise(), scope);
    SqlType type = SqlType.NULL;
    List<Compiled> all = new ArrayList<>(results);
    if (otherwise != null) {
      all.add(otherwise);
    }
    for (Compiled r : all) {
      if (type.isNull()) {
        type = r.type();
      } else if (r.type().isNumeric() && type.isNumeric()) {
        type = SqlType.widerNumeric(type, r.type());
      } else if (!r.type().isNull() && !r.type().equals(type)) {
        throw error(c.pos(), "CASE branches have different types: " + type + " and " + r.type());
      }
    }
    Evaluator[] conds = conditions.toArray(Evaluator[]::new);
    Evaluator[] outs = results.stream().map(Compiled::eval).toArray(Evaluator[]::new);
    Evaluator other = otherwise == null ? row -> null : otherwise.eval();
    SqlType result = type;
    return new Compiled(row -> {
      for (int i = 0; i < conds.length; i++) {
        if (Boolean.TRUE.equals(conds[i].eval(row))) {
          return Values.widen(outs[i].eval(row), result);
        }
      }
      return Values.widen(other.eval(row), result);
    }, type);
  }

  private static Compiled cast(Expr.Cast c, Scope scope) {
    Compiled v = compile(c.value(), scope);
    SqlType target = c.type();
    SqlType from = v.type();
    boolean primitiveTarget = target.base().ordinal() <= SqlType.Base.STRING.ordinal();
    boolean primitiveFrom = from.base().ordinal() <= SqlType.Base.STRING.ordinal() || from.isNull();
    if (!from.equals(target) && !(primitiveTarget && (primitiveFrom || target.base() == SqlType.Base.STRING))) {
      throw error(c.pos(), "Cannot CAST " + from + " to " + target);
    }
    if (target.base() == SqlType.Base.BOOLEAN && from.isNumeric()) {
      throw error(c.pos(), "Cannot CAST " + from + " to BOOLEAN");
    }
    Evaluator e = v.eval();
    return new Compiled(row -> Values.cast(e.eval(row), target), target);
  }

  private static Compiled dereference(Expr.Dereference d, Scope scope) {
    Compiled base = compile(d.base(), scope);
    if (base.type().base() != SqlType.Base.STRUCT) {
      throw error(d.pos(), "'->' needs a STRUCT on its left, got " + base.type());
    }
    SqlType.Field field = base.type().field(d.field());
    if (field == null) {
      throw error(d.pos(), "STRUCT " + base.type() + " has no field '" + d.field() + "'");
    }
    Evaluator e = base.eval();
    String name = field.name();
    return new Compiled(row -> {
      Object v = e.eval(row);
      return v == null ? null : ((Map<?, ?>) v).get(name);
    }, field.type());
  }

  private static Compiled subscript(Expr.Subscript s, Scope scope) {
    Compiled base = compile(s.base(), scope);
    Compiled index = compile(s.index(), scope);
    Evaluator be = base.eval();
    Evaluator ie = index.eval();
    if (base.type().base() == SqlType.Base.ARRAY) {
      if (index.type().base() != SqlType.Base.INTEGER && index.type().base() != SqlType.Base.BIGINT) {
        throw error(s.pos(), "Array index must be INT, got " + index.type());
      }
      // 1-based as in ksqlDB; negative indexes count from the end; out of range is null.
      return new Compiled(row -> {
        List<?> list = (List<?>) be.eval(row);
        Object i = ie.eval(row);
        if (list == null || i == null) {
          return null;
        }
        int n = ((Number) i).intValue();
        int at = n > 0 ? n - 1 : list.size() + n;
        return at >= 0 && at < list.size() ? list.get(at) : null;
      }, base.type().element());
    }
    if (base.type().base() == SqlType.Base.MAP) {
      if (index.type().base() != SqlType.Base.STRING) {
        throw error(s.pos(), "Map key must be STRING, got " + index.type());
      }
      return new Compiled(row -> {
        Map<?, ?> map = (Map<?, ?>) be.eval(row);
        Object k = ie.eval(row);
        return map == null || k == null ? null : map.get(k);
      }, base.type().value());
    }
    throw error(s.pos(), "[] needs an ARRAY or a MAP, got " + base.type());
  }

  private static Compiled arrayOf(Expr.ArrayOf a, Scope scope) {
    List<Compiled> items = new ArrayList<>();
    SqlType element = SqlType.NULL;
    for (Expr e : a.items()) {
      Compiled c = compile(e, scope);
      items.add(c);
      element = unify(element, c.type(), e.pos(), "ARRAY elements");
    }
    if (element.isNull()) {
      throw error(a.pos(), "Cannot infer the element type of an empty or all-NULL ARRAY[]");
    }
    Evaluator[] evals = items.stream().map(Compiled::eval).toArray(Evaluator[]::new);
    SqlType el = element;
    return new Compiled(row -> {
      List<Object> out = new ArrayList<>(evals.length);
      for (Evaluator e : evals) {
        out.add(Values.widen(e.eval(row), el));
      }
      return out;
    }, SqlType.array(element));
  }

  private static Compiled mapOf(Expr.MapOf m, Scope scope) {
    List<Evaluator> keys = new ArrayList<>();
    List<Evaluator> values = new ArrayList<>();
    SqlType valueType = SqlType.NULL;
    for (int i = 0; i < m.keys().size(); i++) {
      Compiled k = compile(m.keys().get(i), scope);
      if (k.type().base() != SqlType.Base.STRING) {
        throw error(m.keys().get(i).pos(), "MAP keys must be STRING, got " + k.type());
      }
      Compiled v = compile(m.values().get(i), scope);
      valueType = unify(valueType, v.type(), m.values().get(i).pos(), "MAP values");
      keys.add(k.eval());
      values.add(v.eval());
    }
    if (valueType.isNull()) {
      throw error(m.pos(), "Cannot infer the value type of an empty or all-NULL MAP()");
    }
    SqlType vt = valueType;
    return new Compiled(row -> {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        Object k = keys.get(i).eval(row);
        if (k != null) {
          out.put((String) k, Values.widen(values.get(i).eval(row), vt));
        }
      }
      return out;
    }, SqlType.map(valueType));
  }

  private static Compiled structOf(Expr.StructOf s, Scope scope) {
    List<SqlType.Field> fields = new ArrayList<>();
    List<Evaluator> evals = new ArrayList<>();
    for (int i = 0; i < s.names().size(); i++) {
      Compiled c = compile(s.values().get(i), scope);
      fields.add(new SqlType.Field(s.names().get(i), c.type().isNull() ? SqlType.STRING : c.type()));
      evals.add(c.eval());
    }
    List<String> names = s.names();
    return new Compiled(row -> {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), evals.get(i).eval(row));
      }
      return out;
    }, SqlType.struct(fields));
  }

  private static SqlType unify(SqlType a, SqlType b, Pos pos, String what) {
    if (a.isNull()) {
      return b;
    }
    if (b.isNull() || a.equals(b)) {
      return a;
    }
    if (a.isNumeric() && b.isNumeric()) {
      return SqlType.widerNumeric(a, b);
    }
    throw error(pos, what + " must have one type, got " + a + " and " + b);
  }

  static SqlException error(Pos pos, String message) {
    return new SqlException(message, pos.line(), pos.column());
  }
}
