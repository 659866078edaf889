package dev.runnel.cli;

import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.parser.SqlParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Streaming SQL, on the engine in this process or, with --server, on a SQL server. With --file or
 * --execute it runs the statements (headless; in process it then keeps the persistent queries
 * running until interrupted, or exits with --exit); without them it is {@link SqlShell}.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run KSQL statements: a file (--file), a string (--execute), or an interactive shell.",
      "Without --server the engine runs in this process; with --server URL the statements go to a SQL server (runnel sql-server).",
      "In the shell a statement ends with ';' at the end of a line and may span lines; history; lists earlier statements"
          + " (kept in --history-file across sessions); exit; or Ctrl-D leaves. On a terminal, lines can be edited and the"
          + " up arrow recalls earlier statements. Ctrl-C stops the push query (or PRINT) that is streaming, not the shell."
    })
final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand Runnel runnel;

  @Mixin ClientOptions client;

  @Option(names = "--file", paramLabel = "FILE", description = "Run the statements of FILE.")
  Path file;

  @Option(names = "--execute", paramLabel = "SQL", description = "Run these statements.")
  String execute;

  @Option(
      names = "--exit",
      description = "Exit after the statements ran (persistent queries stop; running the same statements again resumes them).")
  boolean exit;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "${sys:java.io.tmpdir}/runnel-sql",
      description = "Where query state (LMDB) lives; it is rebuilt from changelog topics (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--service-id",
      defaultValue = "default",
      paramLabel = "ID",
      description = "Names the internal topics and consumer groups; engines with the same id share the work (default: ${DEFAULT-VALUE}).")
  String serviceId;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "Send the statements to this SQL server (e.g. http://127.0.0.1:8088) instead of running them here.")
  String server;

  @Option(
      names = "--history-file",
      paramLabel = "FILE",
      defaultValue = "${sys:user.home}/.runnel/sql_history",
      description = "The shell's statement history, listed by history; and recalled with the up arrow (default: ${DEFAULT-VALUE}).")
  Path historyFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (server != null) {
      return remote(out, err);
    }
    SqlConfig config = SqlConfig.defaults(client.bootstrap, stateDir.resolve(serviceId)).withServiceId(serviceId);
    try (SqlEngine engine = new SqlEngine(config)) {
      LocalSql sql = new LocalSql(engine, out);
      if (file == null && execute == null) {
        return shell(sql, out, err);
      }
      String text = execute != null ? execute : Files.readString(file, StandardCharsets.UTF_8);
      List<SqlParser.Parsed> statements;
      try {
        statements = SqlParser.parse(text);
      } catch (SqlException e) {
        err.println("error: " + e.describe());
        return ErrorReporter.EXIT_USAGE;
      }
      for (SqlParser.Parsed p : statements) {
        try {
          sql.run(p);
        } catch (SqlException e) {
          err.println("error: " + e.describe());
          return ErrorReporter.EXIT_FAILURE;
        }
      }
      if (!exit && !engine.queries().isEmpty()) {
        err.println(engine.queries().size() + " persistent queries running; interrupt (Ctrl-C) to stop");
        err.flush();
        new CountDownLatch(1).await();
      }
      return 0;
    }
  }

  /** --server: statements go to the SQL server; persistent queries run there, so the command exits when done. */
  private int remote(PrintWriter out, PrintWriter err) throws Exception {
    RemoteSql sql = new RemoteSql(new SqlRestClient(server), out);
    if (file == null && execute == null) {
      return shell(sql, out, err);
    }
    String text = execute != null ? execute : Files.readString(file, StandardCharsets.UTF_8);
    try {
      sql.run(text);
    } catch (SqlException e) {
      err.println("error: " + e.describe());
      return ErrorReporter.EXIT_USAGE;
    } catch (IOException e) {
      err.println("error: " + SqlSession.describe(e));
      return ErrorReporter.EXIT_FAILURE;
    }
    return 0;
  }

  private int shell(SqlSession session, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    return new SqlShell(session, shellInput(out, err), new StatementHistory(historyFile, err), out, err).run();
  }

  /**
   * JLine's line editing when stdin and stdout are this process's terminal; plain lines otherwise
   * (a pipe, a file, a test's stream), or when JLine cannot open the terminal.
   */
  private ShellInput shellInput(PrintWriter out, PrintWriter err) {
    if (runnel.stdin() == System.in && System.console() != null) {
      try {
        return TerminalShellInput.open();
      } catch (IOException | RuntimeException e) {
        err.println("warning: no line editing (" + e.getMessage() + ")");
      }
    }
    return new PlainShellInput(runnel.stdin(), out);
  }
}
