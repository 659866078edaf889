package dev.runnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.server.SqlServer;
import dev.runnel.sql.server.SqlServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runnel sql --server}: the shell driven through its input, --execute and --file, against a real server. */
class SqlServerShellTest {
  @TempDir static Path dir;
  static LocalNode node;
  static SqlServer server;

  @BeforeAll
  static void start() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
    SqlConfig engine = SqlConfig.defaults(node.bootstrap(), dir.resolve("state")).withServiceId("cli");
    server = SqlServer.start(SqlServerConfig.defaults(engine, "127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    server.close();
    node.close();
  }

  @Test
  void the_shell_runs_multi_line_statements_prints_tables_streams_rows_and_keeps_history() throws Exception {
    Path history = dir.resolve("history");
    String input = """
        CREATE STREAM shell_orders (id VARCHAR KEY, item STRING, qty INT)
          WITH (kafka_topic='shell_orders', value_format='JSON', partitions=1);
        INSERT INTO shell_orders (id, item, qty) VALUES ('o1', 'apple', 3);
        INSERT INTO shell_orders (id, item, qty) VALUES ('o2', 'pear', 12);
        SET 'auto.offset.reset'='earliest';
        SELECT id, item, qty
          FROM shell_orders
          EMIT CHANGES LIMIT 2;
        SELECT nope FROM shell_orders EMIT CHANGES;
        SHOW STREAMS;
        history;
        exit;
        """;
    Cli.Result r = Cli.runWithInput(input, "sql", "--server", server.url(), "--history-file", history.toString());
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.out().contains("Stream SHELL_ORDERS created"), r.describe());
    assertTrue(r.out().contains("Inserted 1 row into SHELL_ORDERS"), r.describe());
    assertTrue(r.out().contains("""
        ID       | ITEM     | QTY
        ---------+----------+---------
        o1       | apple    | 3
        o2       | pear     | 12
        Limit Reached
        """), r.describe());
    assertTrue(r.out().contains("SHELL_ORDERS  shell_orders"), r.describe());
    assertEquals("error: line 1:8: Unknown column 'NOPE' (SHELL_ORDERS: ID, ITEM, QTY)\n", r.err(), r.describe());
    assertTrue(r.out().contains("   5  SELECT id, item, qty\n        FROM shell_orders\n        EMIT CHANGES LIMIT 2;"), r.describe());
    // The next session sees this one's statements.
    Cli.Result next = Cli.runWithInput("history;\nexit;\n", "sql", "--server", server.url(), "--history-file", history.toString());
    assertTrue(next.out().contains("   1  CREATE STREAM shell_orders"), next.describe());
    assertTrue(Files.readString(history).contains("SHOW STREAMS;"));
  }

  @Test
  void execute_and_file_run_against_the_server_and_the_queries_stay_there() throws Exception {
    Cli.Result created = Cli.run("sql", "--server", server.url(), "--execute", """
        CREATE STREAM exec_s (a INT) WITH (kafka_topic='exec_s', partitions=1);
        CREATE STREAM exec_big AS SELECT a FROM exec_s WHERE a > 10;""");
    assertEquals(0, created.exitCode(), created.describe());
    assertTrue(created.out().contains("Created query CSAS_EXEC_BIG_"), created.describe());

    Path file = dir.resolve("show.sql");
    Files.writeString(file, "SHOW QUERIES;\n");
    Cli.Result shown = Cli.run("sql", "--server", server.url(), "--file", file.toString());
    assertEquals(0, shown.exitCode(), shown.describe());
    assertTrue(shown.out().contains("CSAS_EXEC_BIG_"), shown.describe());
    assertTrue(shown.out().contains("RUNNING"), shown.describe());

    Cli.Result bad = Cli.run("sql", "--server", server.url(), "--execute", "DROP STREAM nope;");
    assertEquals(ErrorReporter.EXIT_FAILURE, bad.exitCode(), bad.describe());
    assertEquals("error: line 1:1: Unknown stream or table 'NOPE'\n", bad.err(), bad.describe());

    Cli.Result unreachable = Cli.run("sql", "--server", "http://127.0.0.1:1", "--execute", "SHOW STREAMS;");
    assertEquals(ErrorReporter.EXIT_FAILURE, unreachable.exitCode(), unreachable.describe());
    assertTrue(unreachable.err().startsWith("error: cannot reach the SQL server at http://127.0.0.1:1"), unreachable.describe());
  }

  @Test
  void sql_server_refuses_a_bad_listen_address_in_one_line() {
    Cli.Result r = Cli.run("sql-server", "--bootstrap", node.bootstrap(), "--listen", "nope");
    ErrorAssertions.assertOneErrorLine(r, ErrorReporter.EXIT_USAGE, "error: --listen must be HOST:PORT, got 'nope'");
  }
}
