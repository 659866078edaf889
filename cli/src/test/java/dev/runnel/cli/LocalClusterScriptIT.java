package dev.runnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through real processes: {@code deploy/local-cluster.sh} starts three nodes, the
 * {@code bin/runnel} CLI produces, one node is crashed with {@code kill -9} and restarted, and
 * every record comes back exactly once.
 *
 * <p>Runs under failsafe after {@code package}, so {@code bin/runnel} finds the distribution in
 * {@code cli/target} and does not build. Every wait is bounded: each process has a timeout, the
 * script bounds its own waits (READY_TIMEOUT_S, STOP_TIMEOUT_S), and the test has an overall one.
 */
class LocalClusterScriptIT {
  private static final int NODES = 3;
  private static final int RECORDS_PER_ROUND = 300;
  private static final String TOPIC = "it-orders";

  // The script waits up to READY_TIMEOUT_S for /ready; the process timeout leaves it room to
  // report (and to stop the nodes of a failed start) before the test gives up on it.
  private static final int READY_TIMEOUT_S = 60;
  private static final Duration SCRIPT_START_TIMEOUT = Duration.ofSeconds(READY_TIMEOUT_S + 40);
  private static final Duration SCRIPT_STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(45);

  private final Path repoRoot = repoRoot();
  private final Set<Long> nodePids = new LinkedHashSet<>();
  private final List<Path> outputs = new ArrayList<>();
  @TempDir Path tempDir;
  private Path clusterDir;
  private int basePort;
  private int stepNumber;

  @Test
  @Timeout(value = 170, unit = TimeUnit.SECONDS)
  void records_survive_a_killed_and_restarted_node() throws Exception {
    clusterDir = tempDir.resolve("cluster");
    basePort = freePortBlock();
    String bootstrap = "127.0.0.1:" + (basePort + 10); // node 1, which stays up throughout
    Throwable failure = null;
    try {
      script("start");
      recordNodePids();
      runnel(null, "topic", "create", TOPIC, "--partitions", "3", "--replication-factor", "3",
          "--bootstrap", bootstrap);

      List<String> firstRound = lines("before-crash", RECORDS_PER_ROUND);
      runnel(firstRound, "produce", TOPIC, "--bootstrap", bootstrap);

      script("kill", "2");
      List<String> secondRound = lines("node2-down", RECORDS_PER_ROUND);
      runnel(secondRound, "produce", TOPIC, "--bootstrap", bootstrap);

      script("restart", "2");
      recordNodePids();
      Step consumed =
          runnel(null, "consume", TOPIC, "--from-beginning", "--max-messages", "600",
              "--timeout-ms", "20000", "--bootstrap", bootstrap);

      List<String> got = Files.readAllLines(consumed.out(), StandardCharsets.UTF_8);
      Set<String> expected = new LinkedHashSet<>(firstRound);
      expected.addAll(secondRound);
      Map<String, Long> counts =
          got.stream().collect(Collectors.groupingBy(l -> l, Collectors.counting()));
      Set<String> duplicated =
          counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
              .collect(Collectors.toSet());
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(counts.keySet());
      Set<String> unexpected = new LinkedHashSet<>(counts.keySet());
      unexpected.removeAll(expected);
      assertTrue(duplicated.isEmpty(), "records consumed more than once: " + duplicated);
      assertTrue(missing.isEmpty(), "records never consumed: " + missing);
      assertTrue(unexpected.isEmpty(), "records nobody produced: " + unexpected);
      assertEquals(2 * RECORDS_PER_ROUND, got.size());
    } catch (Throwable t) {
      failure = t;
      printOutputs();
      throw t;
    } finally {
      stopCluster(failure);
    }
  }

  /** Stops the cluster and makes sure no node outlives the test, whatever happened before. */
  private void stopCluster(Throwable failure) throws Exception {
    try {
      script("stop");
    } catch (Throwable t) {
      if (failure != null) {
        failure.addSuppressed(t);
      } else {
        printOutputs();
        throw t;
      }
    } finally {
      List<Long> leftovers = killLeftoverNodes();
      if (!leftovers.isEmpty() && failure == null) {
        throw new AssertionError("local-cluster.sh stop left node pids " + leftovers + " running");
      }
    }
  }

  /** Node pids from the pid files, kept so the test can kill them even if the script cannot. */
  private void recordNodePids() throws IOException {
    for (int n = 1; n <= NODES; n++) {
      Path pidFile = clusterDir.resolve("node" + n).resolve("node.pid");
      if (Files.exists(pidFile)) {
        nodePids.add(Long.parseLong(Files.readString(pidFile).trim()));
      }
    }
  }

  private List<Long> killLeftoverNodes() {
    List<Long> leftovers = new ArrayList<>();
    for (long pid : nodePids) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      // A pid may have been reused by now: only a process naming our cluster dir is ours.
      boolean ours =
          handle.flatMap(h -> h.info().commandLine())
              .map(cmd -> cmd.contains(clusterDir.toString()))
              .orElse(false);
      if (ours) {
        leftovers.add(pid);
        handle.get().destroyForcibly();
      }
    }
    return leftovers;
  }

  private Step script(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(repoRoot.resolve("deploy/local-cluster.sh").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--dir", clusterDir.toString()));
    Duration timeout = args[0].equals("stop") ? SCRIPT_STOP_TIMEOUT : SCRIPT_START_TIMEOUT;
    return run(cmd, null, timeout);
  }

  private Step runnel(List<String> stdinLines, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(repoRoot.resolve("bin/runnel").toString());
    cmd.addAll(List.of(args));
    return run(cmd, stdinLines, CLIENT_TIMEOUT);
  }

  /** Runs one command from the repo root; fails with its output if it fails or times out. */
  private Step run(List<String> cmd, List<String> stdinLines, Duration timeout)
      throws IOException, InterruptedException {
    String what = String.join("-", cmd.subList(1, Math.min(3, cmd.size())));
    String name = String.format("%02d-%s", ++stepNumber, what);
    Path out = tempDir.resolve(name + ".out");
    Path err = tempDir.resolve(name + ".err");
    outputs.add(out);
    outputs.add(err);
    ProcessBuilder builder =
        new ProcessBuilder(cmd).directory(repoRoot.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.put("BASE_PORT", Integer.toString(basePort));
    env.put("READY_TIMEOUT_S", Integer.toString(READY_TIMEOUT_S));
    env.remove("RUNNEL_BOOTSTRAP");
    if (stdinLines != null) {
      Path in = tempDir.resolve(name + ".in");
      Files.write(in, stdinLines, StandardCharsets.UTF_8);
      builder.redirectInput(in.toFile());
    } else {
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      // bin/runnel execs java, so this is the JVM itself; for the script, its nodes are
      // stopped by the finally block.
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout);
    }
    int exit = process.exitValue();
    assertEquals(0, exit, () -> String.join(" ", cmd) + " failed:\n" + read(out) + read(err));
    return new Step(out, err);
  }

  private void printOutputs() {
    System.out.println("==== outputs of the commands the test ran, in " + tempDir);
    for (Path path : outputs) {
      System.out.println("---- " + path.getFileName());
      System.out.print(read(path));
    }
    for (int n = 1; n <= NODES; n++) {
      Path log = clusterDir == null ? null : clusterDir.resolve("node" + n).resolve("node.log");
      if (log != null && Files.exists(log)) {
        List<String> lines = read(log).lines().toList();
        System.out.println("---- node" + n + "/node.log (last 60 lines)");
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
      }
    }
  }

  private static String read(Path path) {
    try {
      return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + path + ": " + e + ")\n";
    }
  }

  private static List<String> lines(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
  }

  /** The repo root: the test runs with cli/ as working directory (maven sets basedir). */
  private static Path repoRoot() {
    Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    assertTrue(Files.isExecutable(root.resolve("deploy/local-cluster.sh")), "no deploy/ under " + root);
    return root;
  }

  /**
   * A BASE_PORT whose nine node ports (BASE_PORT + 10*n + 0..2, n = 1..3) are free now. Random so
   * that parallel runs on a shared machine rarely collide; the script re-checks before it starts.
   */
  private static int freePortBlock() {
    for (int attempt = 0; attempt < 50; attempt++) {
      // Below Linux's ephemeral range (32768+), where outgoing connections could take a port.
      int base = 20_000 + 10 * ThreadLocalRandom.current().nextInt(1_200);
      boolean allFree = true;
      for (int n = 1; n <= NODES && allFree; n++) {
        for (int k = 0; k <= 2 && allFree; k++) {
          allFree = isFree(base + 10 * n + k);
        }
      }
      if (allFree) {
        return base;
      }
    }
    throw new AssertionError("no free block of node ports found in 50 attempts");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }

  private record Step(Path out, Path err) {}
}
