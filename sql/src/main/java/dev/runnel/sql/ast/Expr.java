package dev.runnel.sql.ast;

import dev.runnel.sql.types.SqlType;
import java.util.List;

/**
 * An expression as written, before names are resolved. Records compare structurally (positions
 * excluded), which is how the analyzer finds a SELECT or HAVING expression that repeats a GROUP BY
 * expression.
 */
public sealed interface Expr {
  Pos pos();

  /** A literal; {@code value} is already a runtime value of {@code type}. */
  record Literal(Object value, SqlType type, Pos pos) implements Expr {
    @Override public boolean equals(Object o) {
      return o instanceof Literal l && java.util.Objects.equals(value, l.value) && type.equals(l.type);
    }
    @Override public int hashCode() { return java.util.Objects.hash(value, type); }
  }

  /** A column, maybe qualified by a source name or alias ({@code a.col}); names upper-cased unless quoted. */
  record Column(String qualifier, String name, Pos pos) implements Expr {
    @Override public boolean equals(Object o) {
      return o instanceof Column c && java.util.Objects.equals(qualifier, c.qualifier) && name.equals(c.name);
    }
    @Override public int hashCode() { return java.util.Objects.hash(qualifier, name); }
  }

  /** {@code name(args)}; {@code star} for {@code COUNT(*)}. Names upper-cased. */
  record Call(String name, List<Expr> args, boolean star, boolean distinct, Pos pos) implements Expr {
    @Override public boolean equals(Object o) {
      return o instanceof Call c && name.equals(c.name) && args.equals(c.args) && star == c.star && distinct == c.distinct;
    }
    @Override public int hashCode() { return java.util.Objects.hash(name, args, star, distinct); }
  }

  enum ArithOp { ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%");
    public final String symbol;
    ArithOp(String symbol) { this.symbol = symbol; }
  }

  record Arith(ArithOp op, Expr left, Expr right, Pos pos) implements Expr {
    @Override public boolean equals(Object o) {
      return o instanceof Arith a && op == a.op && left.equals(a.left) && right.equals(a.right);
    }
    @Override public int hashCode() { return java.util.Objects.hash(op, left, right); }
  }

  record Negate(Expr operand, Pos pos) implements Expr {
    @Override public boolean equals(Object o) { return o instanceof Negate n && operand.equals(n.operand); }
    @Override public int hashCode() { return operand.hashCode() * 31 + 1; }
  }

  enum CmpOp { EQ("="), NEQ("<>"), LT("<"), LTE("<="), GT(">"), GTE(">=");
    public final String symbol;
    CmpOp(String symbol) { this.symbol = symbol; }
  }

  record Compare(CmpOp op, Expr left, Expr right, Pos pos) implements Expr {
    @Override public boolean equals(Object o) {
      return o instanceof Compare c && op == c.op && left.equals(c.left) && right.equals(c.right);
    }
    @Override public int hashCode() { return java.util.Objects.hash(op, left, right); }
  }

  /** AND (and = true) or OR. */
  record Logic(boolean and, Expr left, Expr right, Pos pos) implements Expr {
    @Override public boolean equals(Object o) {
      return o instanceof Logic l && and == l.and && left.equals(l.left) && right.equals(l.right);
    }
    @Override public int hashCode() { return java.util.Objects.hash(and, left, right); }
  }

  record Not(Expr operand, Pos pos) implements Expr {
    @Override public boolean equals(Object o) { return o instanceof Not n && operand.equals(n.operand); }
    @Override public int hashCode() { return operand.hashCode() * 31 + 2; }
  }

  record Between(Expr value, Expr lower, Expr upper, boolean negated, Pos pos) implements Expr {}

  record InList(Expr value, List<Expr> list, boolean negated, Pos pos) implements Expr {}

  /** {@code value LIKE pattern}: % any run, _ one character; {@code escape} null or one character. */
  record Like(Expr value, Expr pattern, String escape, boolean negated, Pos pos) implements Expr {}

  record IsNull(Expr value, boolean negated, Pos pos) implements Expr {}

  record When(Expr condition, Expr result) {}

  /** Searched CASE when {@code operand} is null, simple CASE otherwise. */
  record Case(Expr operand, List<When> whens, Expr otherwise, Pos pos) implements Expr {}

  record Cast(Expr value, SqlType type, Pos pos) implements Expr {}

  /** Struct field access {@code base->field}. */
  record Dereference(Expr base, String field, Pos pos) implements Expr {
    @Override public boolean equals(Object o) {
      return o instanceof Dereference d && base.equals(d.base) && field.equals(d.field);
    }
    @Override public int hashCode() { return java.util.Objects.hash(base, field); }
  }

  /** {@code base[index]}: 1-based array index (negative from the end) or map key. */
  record Subscript(Expr base, Expr index, Pos pos) implements Expr {}

  record ArrayOf(List<Expr> items, Pos pos) implements Expr {}

  record MapOf(List<Expr> keys, List<Expr> values, Pos pos) implements Expr {}

  record StructOf(List<String> names, List<Expr> values, Pos pos) implements Expr {}
}
