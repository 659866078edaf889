package dev.runnel.cli;

import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.server.SqlServer;
import dev.runnel.sql.server.SqlServerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A SQL server in the foreground: REST in ksqlDB's shape, the service's statements from its
 * command topic. Flags win over the --config file, which wins over the defaults.
 */
@Command(
    name = "sql-server",
    mixinStandardHelpOptions = true,
    description = {
      "Run a SQL server (REST: POST /ksql, POST /query, GET /info, GET /healthcheck). Servers with the same",
      "service id run the same queries and share their work. Ctrl-C stops it."
    })
final class SqlServerCommand implements Callable<Integer> {
  static final String DEFAULT_LISTEN = "127.0.0.1:8088";

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with bootstrap, listen, service.id, state.dir.")
  Path configFile;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Address of any node (default: env RUNNEL_BOOTSTRAP or 127.0.0.1:9400).")
  String bootstrap;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where REST listens (default: " + DEFAULT_LISTEN + ").")
  String listen;

  @Option(names = "--service-id", paramLabel = "ID", description = "The SQL service this server belongs to (default: default).")
  String serviceId;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where query state (LMDB) lives; it is rebuilt from changelog topics (default: ./sql-state).")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    Properties file = new Properties();
    if (configFile != null) {
      try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        file.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot read --config " + configFile + ": " + e.getMessage(), e);
      }
    }
    String env = System.getenv("RUNNEL_BOOTSTRAP");
    String boot = first(bootstrap, file.getProperty("bootstrap"), env, "127.0.0.1:9400");
    String listenAt = first(listen, file.getProperty("listen"), DEFAULT_LISTEN, null);
    String service = first(serviceId, file.getProperty("service.id"), "default", null);
    Path state = stateDir != null ? stateDir : Path.of(first(file.getProperty("state.dir"), "sql-state", null, null));
    SqlServer server = start(boot, listenAt, service, state);
    spec.commandLine().getOut().printf("runnel sql-server: service %s, REST on %s, bootstrap %s, state in %s%n",
        service, server.url(), boot, state.toAbsolutePath().normalize());
    spec.commandLine().getOut().flush();
    ConnectStandaloneCommand.runUntilStopped(server);
    return 0;
  }

  /** Starts a server; bad settings are {@link IllegalArgumentException}s with a message for the user. */
  static SqlServer start(String bootstrap, String listen, String serviceId, Path stateDir) {
    int colon = listen.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, got '" + listen + "'");
    }
    if (colon <= 0) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, got '" + listen + "'");
    }
    SqlConfig engine = SqlConfig.defaults(bootstrap, stateDir.resolve(serviceId)).withServiceId(serviceId);
    return SqlServer.start(SqlServerConfig.defaults(engine, listen.substring(0, colon), port));
  }

  private static String first(String a, String b, String c, String d) {
    return a != null ? a : b != null ? b : c != null ? c : d;
  }
}
