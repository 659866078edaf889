package dev.runnel.connectors.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL server for tests: initdb into a fresh temp directory, a postgres
 * listening on 127.0.0.1 at a free port (its unix socket in that directory too), one database,
 * and "pg_ctl stop -m immediate" plus deletion on close.
 *
 * <p>postgres refuses to run as root, so when the tests run as root the server runs as the
 * "postgres" OS user (or "nobody") via runuser/setpriv, and the directory is handed to that user.
 *
 * <p>When it cannot start: on CI ({@code CI=true}) the test fails, because CI must test against
 * a real server (.ci/postgres-check.sh installs it); on a developer machine it is skipped with
 * the reason.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String DATABASE = "runnel_test";
  public static final String USER = "runnel";
  private static final int START_ATTEMPTS = 3;
  private static final long COMMAND_TIMEOUT_SEC = 60;

  private final Path binDir;
  private final Path dir;
  private final List<String> runAs;
  private final int port;
  private final Thread shutdownHook;

  private PostgresServer(Path binDir, Path dir, List<String> runAs, int port) {
    this.binDir = binDir;
    this.dir = dir;
    this.runAs = runAs;
    this.port = port;
    this.shutdownHook = new Thread(this::stopQuietly, "postgres-test-server-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A running server, or the test is failed (CI) / skipped (elsewhere) with the reason. */
  public static PostgresServer startForTests() {
    long startNs = System.nanoTime();
    try {
      PostgresServer server = start();
      System.out.printf("test PostgreSQL on 127.0.0.1:%d in %s, up in %d ms%n",
          server.port, server.dir, (System.nanoTime() - startNs) / 1_000_000);
      return server;
    } catch (Exception e) {
      String reason = "PostgreSQL could not be started: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(reason + " (CI=true, where this test must run; .ci/postgres-check.sh installs"
            + " Debian's postgresql package)", e);
      }
      Assumptions.abort(reason + ". Skipping; install Debian's postgresql package (.ci/postgres-check.sh does) to run it.");
      throw new IllegalStateException("unreachable");
    }
  }

  static PostgresServer start() throws IOException, InterruptedException, SQLException {
    Path binDir = findBinDir();
    // /tmp rather than java.io.tmpdir: the unix socket path must stay under ~107 bytes, and the
    // postgres user must be able to reach the directory (a private TMPDIR may not be traversable).
    Path tmp = Path.of("/tmp");
    Path dir = Files.isDirectory(tmp) && Files.isWritable(tmp)
        ? Files.createTempDirectory(tmp, "runnel-pg-")
        : Files.createTempDirectory("runnel-pg-");
    List<String> runAs = runAsPrefix(dir);
    Path data = dir.resolve("data");
    try {
      run(runAs, binDir.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust",
          "-E", "UTF8", "--locale=C", "--no-sync");
    } catch (IOException | InterruptedException e) {
      deleteRecursively(dir);
      throw e;
    }
    IOException lastFailure = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      int port = freePort();
      try {
        // -F: no fsync. A test database that dies with the machine is fine, and far faster.
        run(runAs, binDir.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(),
            "-w", "-t", "30", "-o",
            "-h 127.0.0.1 -p " + port + " -k " + dir + " -F -c full_page_writes=off -c max_connections=30",
            "start");
        PostgresServer server = new PostgresServer(binDir, dir, runAs, port);
        try {
          server.createDatabase();
        } catch (SQLException | RuntimeException e) {
          server.close();
          throw e;
        }
        return server;
      } catch (IOException e) {
        // Most likely another process took the port between freePort() and the bind.
        lastFailure = e;
      }
    }
    deleteRecursively(dir);
    throw lastFailure;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  private void createDatabase() throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + USER);
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE DATABASE " + DATABASE);
    }
  }

  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run: nothing left to do.
    }
  }

  private synchronized void stopQuietly() {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      run(runAs, binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop");
    } catch (IOException | InterruptedException e) {
      System.err.println("stopping the test PostgreSQL in " + dir + ": " + e.getMessage());
    }
    try {
      deleteRecursively(dir);
    } catch (IOException e) {
      System.err.println("deleting " + dir + ": " + e.getMessage());
    }
  }

  /** $RUNNEL_PG_BIN, else the newest /usr/lib/postgresql/N/bin (Debian), else pg_ctl on the PATH. */
  private static Path findBinDir() throws IOException {
    String configured = System.getenv("RUNNEL_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return checkBinDir(Path.of(configured));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Path newest = versions
            .filter(version -> Files.isExecutable(version.resolve("bin/initdb")))
            .max(Comparator.comparingInt(PostgresServer::versionNumber))
            .orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      }
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "pg_ctl"))) {
        // /usr/local/bin/pg_ctl may be a symlink: postgres and initdb sit beside its target.
        Path bin = Path.of(entry, "pg_ctl").toRealPath().getParent();
        if (Files.isExecutable(bin.resolve("initdb"))) {
          return bin;
        }
      }
    }
    throw new IOException("no initdb/pg_ctl found (looked at $RUNNEL_PG_BIN, /usr/lib/postgresql/*/bin and the PATH)");
  }

  private static Path checkBinDir(Path bin) throws IOException {
    if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
      throw new IOException("RUNNEL_PG_BIN=" + bin + " has no initdb and pg_ctl");
    }
    return bin;
  }

  private static int versionNumber(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString().replaceAll("\\D.*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Empty when not root; else the command prefix that runs as an unprivileged user who owns {@code dir}. */
  private static List<String> runAsPrefix(Path dir) throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      return List.of();
    }
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    String user = "postgres";
    UserPrincipal owner;
    try {
      owner = users.lookupPrincipalByName(user);
    } catch (UserPrincipalNotFoundException e) {
      user = "nobody";
      owner = users.lookupPrincipalByName(user);
    }
    PosixFileAttributeView attributes = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    attributes.setOwner(owner);
    try {
      GroupPrincipal group = users.lookupPrincipalByGroupName(user);
      attributes.setGroup(group);
    } catch (UserPrincipalNotFoundException e) {
      // The user's own group is enough for postgres; other groups need no access.
    }
    for (String runuser : List.of("/usr/sbin/runuser", "/sbin/runuser")) {
      if (Files.isExecutable(Path.of(runuser))) {
        return List.of(runuser, "-u", user, "--");
      }
    }
    return List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups");
  }

  private static void run(List<String> prefix, String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(List.of(command));
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    process.getOutputStream().close();
    // Output is small (a few KB): read it all, then wait.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(COMMAND_TIMEOUT_SEC, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", full) + " did not finish in " + COMMAND_TIMEOUT_SEC + " s");
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", full) + " exited with " + process.exitValue() + ": " + output.strip()
          + logTail(command));
    }
  }

  /** The end of the server log, when the command wrote one (pg_ctl -l). */
  private static String logTail(String... command) {
    for (int i = 0; i < command.length - 1; i++) {
      if (command[i].equals("-l")) {
        try {
          List<String> lines = Files.readAllLines(Path.of(command[i + 1]));
          return "\nserver log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
          return "";
        }
      }
    }
    return "";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
