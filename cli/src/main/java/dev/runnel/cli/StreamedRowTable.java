package dev.runnel.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * A push query's rows printed as they arrive: each column padded to the width of its header (at
 * least {@link #COLUMN_WIDTH_MIN}). Unlike {@link TextTable} it cannot wait for all rows to size the
 * columns, as a push query may never end. Both the in-process engine and the server's rows use it.
 */
final class StreamedRowTable {
  static final int COLUMN_WIDTH_MIN = 8;
  private final PrintWriter out;
  private int[] widths = new int[0];
  private boolean headerPrinted;

  StreamedRowTable(PrintWriter out) {
    this.out = out;
  }

  boolean headerPrinted() {
    return headerPrinted;
  }

  /** The column names and a rule under them; no-op without names (PRINT rows have no schema). */
  void header(List<String> names) {
    headerPrinted = true;
    widths = names.stream().mapToInt(n -> Math.max(COLUMN_WIDTH_MIN, n.length())).toArray();
    if (names.isEmpty()) {
      return;
    }
    line(names);
    StringBuilder rule = new StringBuilder();
    for (int w : widths) {
      rule.append(rule.length() == 0 ? "" : "-+-").append("-".repeat(w));
    }
    out.println(rule);
    out.flush();
  }

  /** One row; a tombstone (the key was deleted from a table-like result) is marked on the next line. */
  void row(List<String> cells, boolean tombstone) {
    line(cells);
    if (tombstone) {
      out.println("  (deleted)");
    }
    out.flush();
  }

  /** A line that is not a row, e.g. how the query ended. */
  void message(String text) {
    out.println(text);
    out.flush();
  }

  private void line(List<String> cells) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      int w = i < widths.length ? widths[i] : c.length();
      b.append(i == 0 ? "" : " | ").append(c).append(" ".repeat(Math.max(0, w - c.length())));
    }
    out.println(b.toString().stripTrailing());
  }
}
