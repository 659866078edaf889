package dev.runnel.cli;

import dev.runnel.sql.SqlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The interactive shell of {@code runnel sql}, the same whether statements run in this process
 * ({@link LocalSql}) or on a SQL server ({@link RemoteSql}). A statement may span lines and ends
 * with ';' at the end of a line. Each one is kept in the {@link StatementHistory} ({@code history;}
 * lists it, the next session can recall it). Ctrl-C while a query streams stops that query, not
 * the shell; {@code exit;}, {@code quit;} or the end of the input leaves. An error is printed and
 * the shell goes on.
 */
final class SqlShell {
  static final String PROMPT = "runnel> ";
  static final String CONTINUATION_PROMPT = "     > ";
  private final SqlSession session;
  private final ShellInput input;
  private final StatementHistory history;
  private final PrintWriter out;
  private final PrintWriter err;

  SqlShell(SqlSession session, ShellInput input, StatementHistory history, PrintWriter out, PrintWriter err) {
    this.session = session;
    this.input = input;
    this.history = history;
    this.out = out;
    this.err = err;
  }

  /** Runs until exit; or the end of the input; returns the exit code. */
  int run() throws IOException, InterruptedException {
    history.load();
    input.recall(history.entries());
    input.onInterrupt(this::interrupt);
    try {
      loop();
    } finally {
      input.close();
    }
    out.println();
    out.flush();
    return 0;
  }

  /** Ctrl-C while a statement runs (any thread): stops the streaming query if there is one. */
  void interrupt() {
    if (!session.cancelStreaming()) {
      out.println();
      out.println("(exit; or Ctrl-D leaves the shell)");
      out.flush();
    }
  }

  private void loop() throws IOException, InterruptedException {
    StringBuilder pending = new StringBuilder();
    while (true) {
      String line;
      try {
        line = input.readLine(pending.length() == 0 ? PROMPT : CONTINUATION_PROMPT);
      } catch (ShellInput.PromptInterrupted e) {
        pending.setLength(0);
        continue;
      }
      if (line == null) {
        return;
      }
      if (pending.length() == 0 && line.isBlank()) {
        continue;
      }
      pending.append(line).append('\n');
      if (!line.strip().endsWith(";")) {
        continue;
      }
      String text = pending.toString().strip();
      pending.setLength(0);
      String command = text.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
      if (command.equals("exit;") || command.equals("quit;")) {
        return;
      }
      if (command.equals("history;")) {
        history.print(out);
        continue;
      }
      history.add(text);
      input.remember(text);
      execute(text);
    }
  }

  private void execute(String text) throws InterruptedException {
    try {
      session.run(text);
    } catch (SqlException | IOException e) {
      err.println("error: " + SqlSession.describe(e));
    }
    out.flush();
    err.flush();
  }
}
