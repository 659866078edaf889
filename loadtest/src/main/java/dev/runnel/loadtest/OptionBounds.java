package dev.runnel.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Rejects option values outside their bounds as usage errors, before any work starts. */
final class OptionBounds {
  private OptionBounds() {}

  static void check(CommandSpec spec, String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
