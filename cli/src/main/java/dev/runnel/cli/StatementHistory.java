package dev.runnel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL shell's statements, oldest first: loaded from the history file and appended to it as
 * they run, so the next session (and its up-arrow) sees them. The file is plain text, entries
 * separated by a blank line, so a statement keeps its line breaks and a person can read the file.
 */
final class StatementHistory {
  /** Entries kept in memory and loaded from the file; older ones drop off (the file keeps them). */
  static final int ENTRIES_MAX = 500;
  private final Path file;
  private final PrintWriter err;
  private final List<String> entries = new ArrayList<>();

  StatementHistory(Path file, PrintWriter err) {
    this.file = file;
    this.err = err;
  }

  /** Reads the file if there is one; a file that cannot be read is a warning, not an error. */
  void load() {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      for (String entry : Files.readString(file, StandardCharsets.UTF_8).split("\n\n")) {
        if (!entry.isBlank()) {
          entries.add(entry.strip());
        }
      }
      trim();
    } catch (IOException e) {
      err.println("warning: cannot read the history file " + file + ": " + e.getMessage());
    }
  }

  void add(String statement) {
    // A statement's own blank lines would split it into two entries when the file is read back.
    String entry = statement.strip().replaceAll("\n\\s*\n", "\n");
    entries.add(entry);
    trim();
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.writeString(file, entry + "\n\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      err.println("warning: cannot write the history file " + file + ": " + e.getMessage());
    }
  }

  List<String> entries() {
    return List.copyOf(entries);
  }

  /** The {@code history;} listing: numbered entries, continuation lines indented under the text. */
  void print(PrintWriter out) {
    for (int i = 0; i < entries.size(); i++) {
      out.printf("%4d  %s%n", i + 1, entries.get(i).replace("\n", "\n      "));
    }
    out.flush();
  }

  private void trim() {
    if (entries.size() > ENTRIES_MAX) {
      entries.subList(0, entries.size() - ENTRIES_MAX).clear();
    }
  }
}
