package dev.runnel.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.SqlEngine;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shell of {@code runnel sql} on the engine in this process, driven through its input stream
 * (so with plain lines, as stdin is not a terminal) against a real node: the same {@link SqlShell}
 * serves {@code --server} (SqlServerShellTest).
 */
class SqlShellTest extends WithLocalNode {
  private static Cli.Result shell(String input, Path history) {
    return Cli.runWithInput(input, "sql", "--bootstrap", node.bootstrap(), "--state-dir", dir.resolve("state").toString(),
        "--service-id", "shell", "--history-file", history.toString());
  }

  @Test
  void multi_line_statements_errors_history_and_a_push_query_with_limit() throws Exception {
    Path history = dir.resolve("history-1");
    Cli.Result first = shell("""
        CREATE STREAM local_orders (id VARCHAR KEY, item STRING, qty INT)
          WITH (kafka_topic='local_orders', value_format='JSON', partitions=1);

        INSERT INTO local_orders (id, item, qty) VALUES ('o1', 'apple', 3);
        INSERT INTO local_orders (id, item, qty) VALUES ('o2', 'pear', 12);
        SET 'auto.offset.reset'='earliest';
        SELECT id, item, qty
          FROM local_orders
          EMIT CHANGES LIMIT 2;
        SELECT nope FROM local_orders EMIT CHANGES;
        SHOW STREAMS;
        history;
        exit;
        CREATE STREAM after_exit (a INT) WITH (kafka_topic='after_exit', partitions=1);
        """, history);
    assertEquals(0, first.exitCode(), first.describe());
    assertTrue(first.out().contains("Stream LOCAL_ORDERS created"), first.describe());
    // The push query ends at its LIMIT and the shell goes on to the statements after it.
    assertTrue(first.out().contains("""
        ID       | ITEM     | QTY
        ---------+----------+---------
        o1       | apple    | 3
        o2       | pear     | 12
        Limit Reached
        runnel> """), first.describe());
    assertEquals("error: line 1:8: Unknown column 'NOPE' (LOCAL_ORDERS: ID, ITEM, QTY)\n", first.err(), first.describe());
    assertTrue(first.out().contains("LOCAL_ORDERS  local_orders"), first.describe());
    assertTrue(first.out().contains("""
           1  CREATE STREAM local_orders (id VARCHAR KEY, item STRING, qty INT)
                WITH (kafka_topic='local_orders', value_format='JSON', partitions=1);
        """), first.describe());
    assertTrue(first.out().contains("   5  SELECT id, item, qty\n        FROM local_orders\n        EMIT CHANGES LIMIT 2;\n"),
        first.describe());
    assertTrue(first.out().contains("   7  SHOW STREAMS;\n"), first.describe());
    // Neither history; nor exit; are history entries, and nothing runs after exit;.
    assertFalse(first.out().contains("   8  "), first.describe());
    assertFalse(first.out().contains("AFTER_EXIT"), first.describe());

    Cli.Result second = shell("DESCRIBE local_orders;\nhistory;\n", history);
    assertEquals(0, second.exitCode(), second.describe());
    assertTrue(second.out().contains("   7  SHOW STREAMS;\n   8  DESCRIBE local_orders;\n"), second.describe());
    assertTrue(second.out().contains("   1  CREATE STREAM local_orders"), second.describe());
    String file = Files.readString(history);
    assertTrue(file.startsWith("CREATE STREAM local_orders (id VARCHAR KEY, item STRING, qty INT)\n"), file);
    assertTrue(file.endsWith("SHOW STREAMS;\n\nDESCRIBE local_orders;\n\n"), file);
  }

  @Test
  void a_select_without_emit_changes_is_a_pull_query_on_a_table_and_refused_on_a_stream() {
    Cli.Result r = shell("""
        CREATE TABLE local_stock (item VARCHAR PRIMARY KEY, qty INT)
          WITH (kafka_topic='local_stock', value_format='JSON', partitions=2);
        INSERT INTO local_stock (item, qty) VALUES ('apple', 3);
        INSERT INTO local_stock (item, qty) VALUES ('pear', 5);
        INSERT INTO local_stock (item, qty) VALUES ('apple', 7);
        SELECT item, qty * 10 AS tenfold FROM local_stock WHERE item = 'apple';
        SELECT * FROM local_stock WHERE qty < 6;
        CREATE STREAM local_moves (item VARCHAR KEY, qty INT)
          WITH (kafka_topic='local_moves', value_format='JSON', partitions=1);
        SELECT * FROM local_moves;
        SHOW TABLES;
        """, dir.resolve("history-pull"));
    assertEquals(0, r.exitCode(), r.describe());
    // The current row of the key: its latest value, printed at once (no LIMIT, no Ctrl-C needed).
    assertTrue(r.out().contains("""
        ITEM     | TENFOLD
        ---------+---------
        apple    | 70
        runnel> """), r.describe());
    assertTrue(r.out().contains("""
        ITEM     | QTY
        ---------+---------
        pear     | 5
        runnel> """), r.describe());
    assertTrue(r.err().contains("LOCAL_MOVES is a stream: add EMIT CHANGES for a push query"), r.describe());
    assertTrue(r.out().contains("LOCAL_STOCK"), r.describe());
  }

  @Test
  void ctrl_c_stops_the_streaming_query_and_the_shell_takes_the_next_statement() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter outWriter = new PrintWriter(out, true);
    PrintWriter errWriter = new PrintWriter(err, true);
    String input = """
        CREATE STREAM endless (id VARCHAR KEY, n INT) WITH (kafka_topic='endless', value_format='JSON', partitions=1);
        INSERT INTO endless (id, n) VALUES ('k', 41);
        SET 'auto.offset.reset'='earliest';
        SELECT id, n + 1 AS next FROM endless EMIT CHANGES;
        DESCRIBE endless;
        """;
    SqlConfig config = SqlConfig.defaults(node.bootstrap(), dir.resolve("state-ctrl-c")).withServiceId("ctrl-c");
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (SqlEngine engine = new SqlEngine(config)) {
      SqlShell shell = new SqlShell(new LocalSql(engine, outWriter),
          new PlainShellInput(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), outWriter),
          new StatementHistory(dir.resolve("history-ctrl-c"), errWriter), outWriter, errWriter);
      Future<Integer> exit = thread.submit(shell::run);
      // The query has no LIMIT: it streams until interrupted.
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("k        | 42"));
      assertFalse(out.toString().contains("N      INTEGER"), out.toString());
      shell.interrupt();
      assertEquals(0, exit.get(60, TimeUnit.SECONDS), out + "\n" + err);
      String text = out.toString();
      int cancelled = text.indexOf("Query cancelled\n");
      assertTrue(cancelled > 0, text);
      assertTrue(text.indexOf("N      INTEGER", cancelled) > 0, "DESCRIBE ran after the cancel\n" + text);
      assertEquals("", err.toString());
      // No query streams now: Ctrl-C only says how to leave.
      shell.interrupt();
      assertTrue(out.toString().endsWith("(exit; or Ctrl-D leaves the shell)\n"), out.toString());
    } finally {
      thread.shutdownNow();
    }
  }
}
