package dev.runnel.sdk;

/** Start-up validation of client settings, so a bad value fails at build() with its name. */
final class ConfigBounds {
  private ConfigBounds() {}

  static long check(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  static int check(String name, int value, int min, int max) {
    return (int) check(name, (long) value, min, max);
  }

  static String hostPort(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be host:port, got " + value);
    }
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(name + " must be host:port, got " + value);
    }
    try {
      check(name + " port", Integer.parseInt(value.substring(colon + 1)), 1, 65535);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be host:port, got " + value, e);
    }
    return value;
  }
}
