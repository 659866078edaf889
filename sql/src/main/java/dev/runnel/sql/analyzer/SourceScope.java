package dev.runnel.sql.analyzer;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.expr.Compiled;
import dev.runnel.sql.expr.Scope;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.types.SqlType;
import java.util.ArrayList;
import java.util.List;

/**
 * Columns of the sources a query reads, laid out one after another as {@link RecordCodec} builds
 * rows (each source's columns, then its pseudo columns). An unqualified name must be unique across
 * the sources; pseudo columns without a qualifier mean the first source's.
 */
public final class SourceScope implements Scope {
  static final List<String> PSEUDO = List.of("ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND");
  private static final List<SqlType> PSEUDO_TYPES =
      List.of(SqlType.BIGINT, SqlType.INTEGER, SqlType.BIGINT, SqlType.BIGINT, SqlType.BIGINT);

  /** One source of the scope: its alias and where its row starts. */
  public record Entry(String alias, DataSource source, int offset) {
    int width() {
      return source.columns().size() + RecordCodec.PSEUDO_COLUMNS;
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private String forbiddenAggregates = "Aggregate functions are only allowed in SELECT and HAVING of a query with GROUP BY";

  public SourceScope add(String alias, DataSource source) {
    int offset = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).offset() + entries.get(entries.size() - 1).width();
    entries.add(new Entry(alias, source, offset));
    return this;
  }

  public SourceScope forbidAggregates(String reason) {
    SourceScope copy = new SourceScope();
    copy.entries.addAll(entries);
    copy.forbiddenAggregates = reason;
    return copy;
  }

  public List<Entry> entries() {
    return entries;
  }

  public int width() {
    Entry last = entries.get(entries.size() - 1);
    return last.offset() + last.width();
  }

  @Override
  public String aggregatesForbiddenReason() {
    return forbiddenAggregates;
  }

  @Override
  public Compiled resolve(Expr.Column column) {
    return Compiled.slot(slotOf(column), typeOf(column));
  }

  /** The row slot of {@code column}; throws SqlException when unknown or ambiguous. */
  public int slotOf(Expr.Column column) {
    return locate(column)[0];
  }

  public SqlType typeOf(Expr.Column column) {
    int[] at = locate(column);
    Entry e = entries.get(at[1]);
    int local = at[0] - e.offset();
    int n = e.source().columns().size();
    return local < n ? e.source().columns().get(local).type() : PSEUDO_TYPES.get(local - n);
  }

  /** Which entry a slot belongs to. */
  public int entryOfSlot(int slot) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (slot >= entries.get(i).offset()) {
        return i;
      }
    }
    throw new IllegalStateException("slot " + slot);
  }

  /** [slot, entry index]. */
  private int[] locate(Expr.Column column) {
    if (column.qualifier() != null) {
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        if (e.alias().equals(column.qualifier()) || e.source().name().equals(column.qualifier())) {
          int local = localIndex(e, column.name());
          if (local < 0) {
            throw error(column, "Column '" + column.name() + "' is not in " + e.source().name()
                + " (columns: " + names(e.source()) + ")");
          }
          return new int[] {e.offset() + local, i};
        }
      }
      throw error(column, "Unknown source or alias '" + column.qualifier() + "' in " + column.qualifier() + "." + column.name());
    }
    int pseudo = PSEUDO.indexOf(column.name());
    int found = -1;
    int entry = -1;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int local = e.source().indexOf(column.name());
      if (local >= 0) {
        if (found >= 0) {
          throw error(column, "Column '" + column.name() + "' is ambiguous: qualify it with a source alias");
        }
        found = e.offset() + local;
        entry = i;
      }
    }
    if (found >= 0) {
      return new int[] {found, entry};
    }
    if (pseudo >= 0) {
      Entry first = entries.get(0);
      checkWindowed(column, first);
      return new int[] {first.offset() + first.source().columns().size() + pseudo, 0};
    }
    StringBuilder known = new StringBuilder();
    for (Entry e : entries) {
      known.append(known.length() == 0 ? "" : "; ").append(e.source().name()).append(": ").append(names(e.source()));
    }
    throw error(column, "Unknown column '" + column.name() + "' (" + known + ")");
  }

  private int localIndex(Entry e, String name) {
    int local = e.source().indexOf(name);
    if (local >= 0) {
      return local;
    }
    int pseudo = PSEUDO.indexOf(name);
    if (pseudo >= 0) {
      return e.source().columns().size() + pseudo;
    }
    return -1;
  }

  private static void checkWindowed(Expr.Column column, Entry e) {
    if ((column.name().equals("WINDOWSTART") || column.name().equals("WINDOWEND")) && e.source().window() == null) {
      throw error(column, column.name() + " is only available in a windowed aggregation or on a windowed source");
    }
  }

  private static String names(DataSource source) {
    return String.join(", ", source.columns().stream().map(Column::name).toList());
  }

  static SqlException error(Expr e, String message) {
    return new SqlException(message, e.pos().line(), e.pos().column());
  }
}
