package dev.runnel.sql.ast;

/** Where a piece of a statement starts: 1-based line, 1-based column (0 when synthetic). */
public record Pos(int line, int column) {
  public static final Pos NONE = new Pos(0, 0);
}
