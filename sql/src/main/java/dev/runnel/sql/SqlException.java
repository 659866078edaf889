package dev.runnel.sql;

/**
 * An expected failure a user caused or can fix: bad syntax, an unknown source or column, a type
 * error, a statement the engine cannot run. Its message is meant for the user as is (never a stack
 * trace); {@code line}/{@code column} locate it in the statement text when known (0 otherwise).
 */
public class SqlException extends RuntimeException {
  private final int line;
  private final int column;

  public SqlException(String message) {
    this(message, 0, 0);
  }

  public SqlException(String message, int line, int column) {
    super(message);
    this.line = line;
    this.column = column;
  }

  public SqlException(String message, Throwable cause) {
    super(message, cause);
    this.line = 0;
    this.column = 0;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The message with its position prefixed, e.g. {@code line 3:14: Unknown column 'X'}. */
  public String describe() {
    return line > 0 ? "line " + line + ":" + column + ": " + getMessage() : getMessage();
  }
}
