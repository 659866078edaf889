package dev.runnel.sql;

import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.types.SqlType;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a pull query's WHERE pins the table's whole key to one value, e.g. {@code WHERE id = 'a'}
 * or {@code WHERE id = 'a' AND total > 3}: then only the partition that key is routed to can hold
 * its row. A pure function of the statement and the table, no I/O.
 */
final class PinnedKey {
  private PinnedKey() {}

  /**
   * The key column values in key column order, or null when the key is not pinned: a key column
   * without a {@code column = literal} among WHERE's top-level ANDs, a windowed table (its records'
   * keys carry the window too), or a literal whose type would encode differently from the column's.
   */
  static Object[] of(Expr where, DataSource table, String alias) {
    List<Column> keys = table.keyColumns();
    if (where == null || keys.isEmpty() || table.window() != null) {
      return null;
    }
    List<Expr.Compare> equalities = new ArrayList<>();
    collectEqualities(where, equalities);
    Object[] values = new Object[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      values[i] = valueFor(keys.get(i), equalities, table.name(), alias);
      if (values[i] == null) {
        return null;
      }
    }
    return values;
  }

  /** Only the top-level AND chain: under OR or NOT an equality pins nothing. */
  private static void collectEqualities(Expr e, List<Expr.Compare> out) {
    if (e instanceof Expr.Logic logic && logic.and()) {
      collectEqualities(logic.left(), out);
      collectEqualities(logic.right(), out);
    } else if (e instanceof Expr.Compare c && c.op() == Expr.CmpOp.EQ) {
      out.add(c);
    }
  }

  private static Object valueFor(Column key, List<Expr.Compare> equalities, String tableName, String alias) {
    for (Expr.Compare c : equalities) {
      Object v = null;
      if (names(c.left(), key, tableName, alias) && c.right() instanceof Expr.Literal lit) {
        v = asKeyValue(lit, key.type());
      } else if (names(c.right(), key, tableName, alias) && c.left() instanceof Expr.Literal lit) {
        v = asKeyValue(lit, key.type());
      }
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static boolean names(Expr e, Column key, String tableName, String alias) {
    return e instanceof Expr.Column col
        && col.name().equals(key.name())
        && (col.qualifier() == null || col.qualifier().equals(tableName) || col.qualifier().equals(alias));
  }

  /**
   * The literal as the key column's value, or null. Same type, or an INTEGER literal for a BIGINT
   * key (5 is 5L). Other pairs (e.g. '5' for an INT key, 5 for a DOUBLE key) are left to a full read:
   * their key bytes would not be the ones the table's records carry.
   */
  private static Object asKeyValue(Expr.Literal lit, SqlType keyType) {
    if (lit.value() == null) {
      return null;
    }
    SqlType.Base from = lit.type().base();
    SqlType.Base to = keyType.base();
    if (from == to && isScalar(to)) {
      return lit.value();
    }
    if (from == SqlType.Base.INTEGER && to == SqlType.Base.BIGINT) {
      return ((Number) lit.value()).longValue();
    }
    return null;
  }

  private static boolean isScalar(SqlType.Base base) {
    return switch (base) {
      case BOOLEAN, INTEGER, BIGINT, DOUBLE, STRING -> true;
      default -> false;
    };
  }
}
