package dev.runnel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmallPartsTest {
  @Test
  void key_is_the_text_before_the_first_separator() {
    LineRecord record = LineRecord.parse("user-1::clicked::home", "::");
    assertArrayEquals(bytes("user-1"), record.key());
    assertArrayEquals(bytes("clicked::home"), record.value());
  }

  @Test
  void line_without_separator_or_without_key_option_is_unkeyed() {
    assertNull(LineRecord.parse("no separator", ":").key());
    LineRecord plain = LineRecord.parse("a:b", null);
    assertNull(plain.key());
    assertArrayEquals(bytes("a:b"), plain.value());
  }

  @Test
  void servers_log_at_info_and_clients_at_warn() {
    assertEquals("info", LogLevels.levelFor(new String[] {"dev", "--port", "9500"}));
    assertEquals("info", LogLevels.levelFor(new String[] {"node", "--config", "n.properties"}));
    assertEquals("warn", LogLevels.levelFor(new String[] {"topic", "list"}));
    assertEquals("warn", LogLevels.levelFor(new String[] {"--version"}));
  }

  @Test
  void table_pads_columns_to_the_widest_cell() {
    StringWriter out = new StringWriter();
    new TextTable("A", "LONG HEADER", "C").row("wide cell", 1, "x").print(new PrintWriter(out, true));
    assertEquals("A          LONG HEADER  C\nwide cell  1            x\n", out.toString());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
