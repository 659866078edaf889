package dev.runnel.cli;

import dev.runnel.sql.SqlException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The interactive shell of {@code runnel sql --server}: statements may span lines and end with
 * ';'; each one is kept in the history (in memory and appended to the history file, so the next
 * session can list it with {@code history;}); Ctrl-C stops the query that is streaming, not the
 * shell; {@code exit;} or end of input leaves.
 *
 * <p>Line editing: this reads plain lines (no cursor keys); the history file is plain text, one
 * statement per entry, so a readline wrapper such as {@code rlwrap} can use it too.
 */
final class RemoteShell {
  /** The history kept in memory and loaded from the file; older entries drop off. */
  static final int HISTORY_ENTRIES_MAX = 500;
  private final RemoteSql sql;
  private final BufferedReader in;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Path historyFile;
  private final List<String> history = new ArrayList<>();

  RemoteShell(RemoteSql sql, BufferedReader in, PrintWriter out, PrintWriter err, Path historyFile) {
    this.sql = sql;
    this.in = in;
    this.out = out;
    this.err = err;
    this.historyFile = historyFile;
  }

  int run() throws IOException, InterruptedException {
    loadHistory();
    Object previous = InterruptHandler.install(() -> {
      if (!sql.cancelStreaming()) {
        out.println();
        out.println("(exit; or Ctrl-D leaves the shell)");
        out.flush();
      }
    });
    try {
      return loop();
    } finally {
      InterruptHandler.restore(previous);
    }
  }

  private int loop() throws IOException, InterruptedException {
    StringBuilder pending = new StringBuilder();
    prompt("runnel> ");
    String line;
    while ((line = in.readLine()) != null) {
      pending.append(line).append('\n');
      if (!line.strip().endsWith(";")) {
        prompt(pending.toString().isBlank() ? "runnel> " : "     > ");
        if (pending.toString().isBlank()) {
          pending.setLength(0);
        }
        continue;
      }
      String text = pending.toString().strip();
      pending.setLength(0);
      String command = text.replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
      if (command.equals("exit;") || command.equals("quit;")) {
        break;
      }
      if (command.equals("history;")) {
        for (int i = 0; i < history.size(); i++) {
          out.printf("%4d  %s%n", i + 1, history.get(i).replace("\n", "\n      "));
        }
      } else {
        remember(text);
        try {
          sql.run(text);
        } catch (SqlException e) {
          err.println("error: " + e.describe());
        } catch (SqlRestClient.ServerError | IOException e) {
          err.println("error: " + RemoteSql.describe(e));
        }
        err.flush();
      }
      prompt("runnel> ");
    }
    out.println();
    out.flush();
    return 0;
  }

  private void prompt(String p) {
    out.print(p);
    out.flush();
  }

  private void remember(String statement) {
    history.add(statement);
    if (history.size() > HISTORY_ENTRIES_MAX) {
      history.remove(0);
    }
    try {
      Files.createDirectories(historyFile.toAbsolutePath().getParent());
      // Entries are separated by a blank line; a statement's own blank lines are squeezed.
      Files.writeString(historyFile, statement.replaceAll("\n\\s*\n", "\n") + "\n\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      err.println("warning: cannot write the history file " + historyFile + ": " + e.getMessage());
    }
  }

  private void loadHistory() {
    if (!Files.isRegularFile(historyFile)) {
      return;
    }
    try {
      for (String entry : Files.readString(historyFile, StandardCharsets.UTF_8).split("\n\n")) {
        if (!entry.isBlank()) {
          history.add(entry.strip());
        }
      }
      while (history.size() > HISTORY_ENTRIES_MAX) {
        history.remove(0);
      }
    } catch (IOException e) {
      err.println("warning: cannot read the history file " + historyFile + ": " + e.getMessage());
    }
  }
}
