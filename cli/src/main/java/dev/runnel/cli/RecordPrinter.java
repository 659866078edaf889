package dev.runnel.cli;

import dev.runnel.sdk.ConsumerRecord;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Prints a consumed record as one line: {@code [p<partition>@<offset>\t][key\t]value}. Keys and
 * values are shown as UTF-8 text; an absent one prints as {@code null}, like Kafka's tools.
 */
final class RecordPrinter {
  private final PrintWriter out;
  private final boolean printOffset;
  private final boolean printKey;

  RecordPrinter(PrintWriter out, boolean printOffset, boolean printKey) {
    this.out = out;
    this.printOffset = printOffset;
    this.printKey = printKey;
  }

  void print(ConsumerRecord record) {
    StringBuilder line = new StringBuilder();
    if (printOffset) {
      line.append('p').append(record.partition()).append('@').append(record.offset()).append('\t');
    }
    if (printKey) {
      line.append(text(record.key())).append('\t');
    }
    line.append(text(record.value()));
    out.println(line);
  }

  void flush() {
    out.flush();
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
  }
}
