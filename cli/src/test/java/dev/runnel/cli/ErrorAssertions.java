package dev.runnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every failing command must look like: one {@code error:} line, no stack trace. */
final class ErrorAssertions {
  private ErrorAssertions() {}

  static void assertOneErrorLine(Cli.Result result, int exitCode, String expectedStart) {
    assertEquals(exitCode, result.exitCode(), result.describe());
    String err = result.err();
    assertEquals(1, err.lines().count(), result.describe());
    assertTrue(err.startsWith(expectedStart), result.describe());
    assertFalse(err.contains("Exception"), result.describe());
    assertFalse(err.contains("at dev."), result.describe());
  }
}
