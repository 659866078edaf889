package dev.runnel.cli;

import dev.runnel.sql.SqlException;
import java.io.IOException;

/**
 * Where {@link SqlShell}'s statements run: the engine in this process ({@link LocalSql}) or a SQL
 * server ({@link RemoteSql}). Results are printed by the session as they come.
 */
interface SqlSession {
  /**
   * Runs the statements of {@code text} in order; the first failure ends the run. A statement the
   * engine refuses throws {@link SqlException} (see its {@code describe()}); a server
   * that cannot be reached or answers with an error throws {@link IOException}; both messages are
   * for the user as they are.
   */
  void run(String text) throws IOException, InterruptedException;

  /**
   * Ctrl-C: stops the query whose rows are streaming, so that {@link #run} returns. Called from
   * another thread (a signal handler). Returns false when no query streams.
   */
  boolean cancelStreaming();

  /** One line for the user: a statement the engine refused, a server error, or the server being unreachable. */
  static String describe(Exception e) {
    return e instanceof SqlException se ? se.describe() : e.getMessage();
  }
}
