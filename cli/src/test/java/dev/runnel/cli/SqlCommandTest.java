package dev.runnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.WithLocalNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code runnel sql}: headless files, the shell on stdin, and errors as one line with a position. */
class SqlCommandTest extends WithLocalNode {
  private static String[] args(String... extra) {
    String[] base = {"sql", "--bootstrap", node.bootstrap(), "--state-dir", dir.resolve("state").toString()};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void a_file_of_statements_runs_headless_and_prints_push_query_rows() throws Exception {
    Path file = dir.resolve("demo.sql");
    Files.writeString(file, """
        -- the fraud demo's input, and a look at it
        CREATE STREAM attempts (card_number VARCHAR, amount DOUBLE)
          WITH (kafka_topic='attempts', value_format='JSON', partitions=1);
        INSERT INTO attempts (card_number, amount) VALUES ('4111', 12.5);
        INSERT INTO attempts (card_number, amount) VALUES ('4222', 99.0);
        SET 'auto.offset.reset'='earliest';
        SELECT card_number, amount * 2 AS doubled FROM attempts EMIT CHANGES LIMIT 2;
        SHOW STREAMS;
        """);
    Cli.Result r = Cli.run(args("--file", file.toString(), "--exit"));
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.out().contains("Stream ATTEMPTS created"), r.describe());
    assertTrue(r.out().contains("""
        CARD_NUMBER | DOUBLED
        ------------+---------
        4111        | 25.0
        4222        | 198.0
        Limit Reached
        """), r.describe());
    assertTrue(r.out().contains("ATTEMPTS     attempts"), r.describe());
  }

  @Test
  void the_shell_reads_multi_line_statements_and_keeps_going_after_an_error() {
    String input = """
        CREATE STREAM shell_s (a INT)
          WITH (kafka_topic='shell_s', partitions=1);
        SELECT nope FROM shell_s EMIT CHANGES;
        DESCRIBE shell_s;
        exit;
        """;
    Cli.Result r = Cli.runWithInput(input, args("--history-file", dir.resolve("history").toString()));
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.out().contains("Stream SHELL_S created"), r.describe());
    assertEquals("error: line 1:8: Unknown column 'NOPE' (SHELL_S: A)\n", r.err(), r.describe());
    assertTrue(r.out().contains("A      INTEGER"), r.describe());
  }

  @Test
  void a_syntax_error_is_one_line_with_line_and_column() {
    Cli.Result r = Cli.run(args("--execute", "SHOW STREAMS;\nSELEC x FROM y;", "--exit"));
    assertEquals(ErrorReporter.EXIT_USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().startsWith("error: line 2:1: Syntax error at or near 'SELEC'"), r.describe());
    assertEquals(1, r.err().lines().count(), r.describe());
  }
}
