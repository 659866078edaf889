package dev.runnel.cli;

import java.io.IOException;
import java.util.List;

/**
 * Where {@link SqlShell} reads lines: a terminal with line editing ({@link TerminalShellInput}), or
 * plain lines from any stream ({@link PlainShellInput}: pipes, files, tests).
 */
interface ShellInput extends AutoCloseable {
  /** Ctrl-C typed at the prompt: the line being typed is dropped. */
  final class PromptInterrupted extends Exception {
    PromptInterrupted() {
      super("interrupted at the prompt", null, false, false);
    }
  }

  /** The next line after showing {@code prompt}; null at the end of the input. */
  String readLine(String prompt) throws IOException, PromptInterrupted;

  /** Statements of earlier sessions, oldest first, for recall (up-arrow) where the input has it. */
  void recall(List<String> statements);

  /** A statement was entered: offer it for recall. */
  void remember(String statement);

  /**
   * From now until {@link #close}, Ctrl-C while no line is being read (a statement runs) calls
   * {@code action} instead of ending the process.
   */
  void onInterrupt(Runnable action);

  /** Gives back the terminal and Ctrl-C's usual meaning. */
  @Override
  void close();
}
