package dev.runnel.cli;

import dev.runnel.node.NodeConfig;
import dev.runnel.node.RunnelNode;
import dev.runnel.sql.server.SqlServer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** An all-in-one single node with the default settings, for trying Runnel out, with a SQL server beside it. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Run a single all-in-one node (data under ./data) and a SQL server in the foreground. Ctrl-C stops them.")
final class DevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  @Option(names = "--sql-listen", paramLabel = "HOST:PORT", defaultValue = SqlServerCommand.DEFAULT_LISTEN,
      description = "Where the embedded SQL server's REST listens (default: ${DEFAULT-VALUE}).")
  String sqlListen;

  @Option(names = "--no-sql", description = "Do not start the embedded SQL server.")
  boolean noSql;

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    node.putInto(overrides);
    NodeConfig config = NodeConfig.of(overrides);
    PrintWriter out = spec.commandLine().getOut();
    NodeStartBanner.print(out, "dev node", config);
    RunnelNode running = RunnelNode.start(config);
    AtomicReference<SqlServer> sql = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      SqlServer s = sql.getAndSet(null);
      if (s != null) {
        s.close(); // first: its queries commit while the node is still up
      }
      running.close();
    }, "runnel-shutdown"));
    if (!noSql) {
      // On its own thread: the node serves at once; the SQL server follows when it has replayed its statements.
      Thread starter = new Thread(() -> startSql(config, running, sql, out), "runnel-dev-sql");
      starter.setDaemon(true);
      starter.start();
    }
    running.awaitTermination();
    return 0;
  }

  private void startSql(NodeConfig config, RunnelNode running, AtomicReference<SqlServer> sql, PrintWriter out) {
    try {
      SqlServer s = SqlServerCommand.start(config.string("host") + ":" + running.grpcPort(), sqlListen, "default",
          config.dataDir().resolve("sql"));
      sql.set(s);
      synchronized (out) {
        out.printf("runnel dev SQL server on %s (runnel sql --server %s)%n", s.url(), s.url());
        out.flush();
      }
    } catch (RuntimeException e) {
      synchronized (out) {
        out.println("warning: the embedded SQL server did not start: " + e.getMessage()
            + " (the node runs on; --no-sql skips it, --sql-listen moves it)");
        out.flush();
      }
    }
  }
}
