package dev.runnel.connectors.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Maps SQL failures to Connect's two kinds: a RetriableException (the runtime calls poll/put
 * again with the same data) for lost connections, timeouts and lock conflicts; a ConnectException
 * (the task fails with this message) for everything else, such as a bad query or a constraint
 * violation, which no retry can fix.
 */
final class SqlErrors {
  /** SQLite's SQLITE_BUSY and SQLITE_LOCKED result codes: another connection holds a lock. */
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;

  private SqlErrors() {}

  static ConnectException wrap(String what, SQLException e) {
    String message = what + ": " + describe(e);
    return isTransient(e) ? new RetriableException(message, e) : new ConnectException(message, e);
  }

  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientException
        || e instanceof SQLRecoverableException
        // SQLSTATE class 08: connection exception; 40001/40P01: serialization failure, deadlock.
        || (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")))
        || (e.getClass().getName().startsWith("org.sqlite.")
            && (e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED));
  }

  /** The message, SQLState and the chained exceptions (batch failures hide the cause there). */
  static String describe(SQLException e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    if (e.getSQLState() != null) {
      text.append(" (SQLState ").append(e.getSQLState()).append(')');
    }
    SQLException next = e.getNextException();
    for (int depth = 0; next != null && depth < 3; depth++, next = next.getNextException()) {
      text.append("; ").append(next.getMessage());
    }
    return text.toString();
  }
}
