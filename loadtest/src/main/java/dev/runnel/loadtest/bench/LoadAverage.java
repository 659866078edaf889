package dev.runnel.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's 1/5/15-minute load average, recorded beside each run: shared machines are noisy. */
final class LoadAverage {
  private static final Path PROC_LOADAVG = Path.of("/proc/loadavg");

  private LoadAverage() {}

  /** "1.02 2.10 3.40", or "unknown" where /proc/loadavg does not exist. */
  static String read() {
    try {
      String[] fields = Files.readString(PROC_LOADAVG).trim().split("\\s+");
      return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
