package dev.runnel.cli;

import java.nio.charset.StandardCharsets;

/**
 * One stdin line as a record's key and value. With a separator, the text before its first
 * occurrence is the key; a line without it is sent unkeyed, whole, rather than dropped.
 */
record LineRecord(byte[] key, byte[] value) {
  static LineRecord parse(String line, String keySeparator) {
    int at = keySeparator == null ? -1 : line.indexOf(keySeparator);
    if (at < 0) {
      return new LineRecord(null, utf8(line));
    }
    return new LineRecord(utf8(line.substring(0, at)), utf8(line.substring(at + keySeparator.length())));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
