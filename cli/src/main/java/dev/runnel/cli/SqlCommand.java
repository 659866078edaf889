package dev.runnel.cli;

import dev.runnel.sql.PushQuery;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.StatementResult;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.engine.RowListener;
import dev.runnel.sql.parser.SqlParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The streaming SQL engine in this process. With --file or --execute it runs the statements
 * (headless) and then keeps the persistent queries running until interrupted (or exits with
 * --exit); without them it is a shell reading statements (ending in ';') from stdin.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Run KSQL statements: a file (--file), a string (--execute), or a shell on stdin.")
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
      description = "The shell's statement history with --server (default: ${DEFAULT-VALUE}).")
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
      if (file == null && execute == null) {
        return shell(engine, out, err);
      }
      String sql = execute != null ? execute : Files.readString(file, StandardCharsets.UTF_8);
      List<SqlParser.Parsed> statements;
      try {
        statements = SqlParser.parse(sql);
      } catch (SqlException e) {
        err.println("error: " + e.describe());
        return ErrorReporter.EXIT_USAGE;
      }
      for (SqlParser.Parsed p : statements) {
        try {
          run(engine, p, out);
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
      return new RemoteShell(sql, new BufferedReader(new InputStreamReader(runnel.stdin(), StandardCharsets.UTF_8)),
          out, err, historyFile).run();
    }
    String text = execute != null ? execute : Files.readString(file, StandardCharsets.UTF_8);
    try {
      sql.run(text);
    } catch (SqlException e) {
      err.println("error: " + e.describe());
      return ErrorReporter.EXIT_USAGE;
    } catch (IOException | SqlRestClient.ServerError e) {
      err.println("error: " + RemoteSql.describe(e));
      return ErrorReporter.EXIT_FAILURE;
    }
    return 0;
  }

  /** Reads statements from stdin; each one ends with ';' at the end of a line. Errors are printed and the shell goes on. */
  private int shell(SqlEngine engine, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    BufferedReader in = new BufferedReader(new InputStreamReader(runnel.stdin(), StandardCharsets.UTF_8));
    StringBuilder pending = new StringBuilder();
    out.print("runnel> ");
    out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      pending.append(line).append('\n');
      if (!line.strip().endsWith(";")) {
        out.print("     > ");
        out.flush();
        continue;
      }
      String text = pending.toString();
      pending.setLength(0);
      if (text.strip().equalsIgnoreCase("exit;") || text.strip().equalsIgnoreCase("quit;")) {
        break;
      }
      try {
        for (SqlParser.Parsed p : SqlParser.parse(text)) {
          run(engine, p, out);
        }
      } catch (SqlException e) {
        err.println("error: " + e.describe());
        err.flush();
      }
      out.print("runnel> ");
      out.flush();
    }
    out.println();
    return 0;
  }

  private static void run(SqlEngine engine, SqlParser.Parsed p, PrintWriter out) throws InterruptedException {
    Statement s = p.statement();
    if (s instanceof Statement.SelectStatement || s instanceof Statement.Print) {
      stream(engine, p, out);
      return;
    }
    StatementResult result = engine.execute(p);
    if (result instanceof StatementResult.Success success) {
      out.println(success.message());
    } else if (result instanceof StatementResult.Listing listing) {
      TextTable table = new TextTable(listing.header().toArray(String[]::new));
      listing.rows().forEach(r -> table.row(r.toArray()));
      table.print(out);
    }
    out.flush();
  }

  /** Prints a push query's or PRINT's rows as they come, until LIMIT (or until the process is interrupted). */
  private static void stream(SqlEngine engine, SqlParser.Parsed p, PrintWriter out) throws InterruptedException {
    String[] error = new String[1];
    boolean[] headerPrinted = new boolean[1];
    RowListener listener = new RowListener() {
      @Override
      public void onRow(Row row) {
        synchronized (out) {
          if (!headerPrinted[0]) {
            out.println(String.join(" | ", row.columns()) + (row.windowStart() == null ? "" : " | WINDOW"));
            headerPrinted[0] = true;
          }
          String values = row.values().stream().map(String::valueOf).collect(Collectors.joining(" | "));
          String window = row.windowStart() == null ? "" : " | [" + row.windowStart() + ", " + row.windowEnd() + ")";
          out.println((row.tombstone() ? "<deleted> " : "") + values + window);
          out.flush();
        }
      }

      @Override
      public void onEnd(String e) {
        error[0] = e;
      }
    };
    try (PushQuery q = engine.stream(p, listener)) {
      while (!q.awaitEnd(java.time.Duration.ofSeconds(1))) {
        // Runs until LIMIT, an error, or the process is interrupted.
      }
    }
    if (error[0] != null) {
      throw new SqlException(error[0]);
    }
  }
}
