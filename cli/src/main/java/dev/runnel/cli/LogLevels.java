package dev.runnel.cli;

import java.util.Set;

/**
 * Chooses slf4j-simple's default level before the first logger exists (it reads the property
 * once): a node logs its life at info, while client commands stay quiet at warn so their stdout
 * and stderr carry only what the user asked for. A level set with -D wins.
 */
final class LogLevels {
  static final String DEFAULT_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final Set<String> SERVER_COMMANDS = Set.of("dev", "node");

  private LogLevels() {}

  static void applyDefault(String[] args) {
    if (System.getProperty(DEFAULT_LEVEL_PROPERTY) == null) {
      System.setProperty(DEFAULT_LEVEL_PROPERTY, levelFor(args));
    }
  }

  static String levelFor(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        return SERVER_COMMANDS.contains(arg) ? "info" : "warn";
      }
    }
    return "warn";
  }
}
