package dev.runnel.cli;

import java.io.IOException;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Lines from the terminal through JLine: cursor keys and the usual editing keys, up-arrow recalls
 * earlier statements (of this session and, via {@link #recall}, of the history file), Ctrl-C at the
 * prompt drops the line, Ctrl-D on an empty line ends the input.
 */
final class TerminalShellInput implements ShellInput {
  private final Terminal terminal;
  private final LineReader reader;
  private Terminal.SignalHandler previousHandler;

  private TerminalShellInput(Terminal terminal) {
    this.terminal = terminal;
    this.reader = LineReaderBuilder.builder()
        .terminal(terminal)
        .appName("runnel sql")
        // '!' is SQL (e.g. !=), not a reference to an earlier line as in bash.
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        // JLine would add each typed line; the shell adds whole statements (see remember).
        .variable(LineReader.DISABLE_HISTORY, true)
        // A recalled statement of several lines shows its later lines as the shell's continuation prompt does.
        .variable(LineReader.SECONDARY_PROMPT_PATTERN, SqlShell.CONTINUATION_PROMPT)
        .build();
  }

  /** The process's terminal; throws when stdin/stdout are not one. */
  static TerminalShellInput open() throws IOException {
    return new TerminalShellInput(TerminalBuilder.builder().system(true).build());
  }

  @Override
  public String readLine(String prompt) throws PromptInterrupted {
    try {
      return reader.readLine(prompt);
    } catch (UserInterruptException e) {
      throw new PromptInterrupted();
    } catch (EndOfFileException e) {
      return null;
    }
  }

  @Override
  public void recall(List<String> statements) {
    statements.forEach(this::remember);
  }

  @Override
  public void remember(String statement) {
    // DISABLE_HISTORY also stops explicit adds, so it is lifted for this one; the shell's thread
    // is the only one that reads lines or adds statements.
    reader.setVariable(LineReader.DISABLE_HISTORY, false);
    try {
      reader.getHistory().add(statement);
    } finally {
      reader.setVariable(LineReader.DISABLE_HISTORY, true);
    }
  }

  /** While a statement runs the terminal is not in raw mode, so Ctrl-C arrives as SIGINT, through JLine. */
  @Override
  public void onInterrupt(Runnable action) {
    previousHandler = terminal.handle(Terminal.Signal.INT, signal -> action.run());
  }

  @Override
  public void close() {
    if (previousHandler != null) {
      terminal.handle(Terminal.Signal.INT, previousHandler);
    }
    try {
      terminal.close();
    } catch (IOException e) {
      // Nothing is left to do with the terminal when closing it fails.
    }
  }
}
