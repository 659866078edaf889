package dev.runnel.cli;

import dev.runnel.connect.ConnectStandalone;
import dev.runnel.connect.PropertiesFiles;
import dev.runnel.connect.herder.HerderException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A standalone worker in the foreground until Ctrl-C. */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description = "Run a standalone Connect worker with the given connectors. Ctrl-C stops it.")
final class ConnectStandaloneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "WORKER_PROPERTIES", description = "worker settings (bootstrap.servers, offset.storage.file.filename, ...)")
  Path workerFile;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "CONNECTOR_PROPERTIES", description = "one file per connector")
  List<Path> connectorFiles = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ConnectStandalone worker;
    try {
      Map<String, String> workerProps = PropertiesFiles.read(workerFile);
      List<Map<String, String>> connectors = new ArrayList<>();
      for (Path file : connectorFiles) {
        connectors.add(PropertiesFiles.read(file));
      }
      worker = ConnectStandalone.start(workerProps, connectors);
    } catch (ConfigException | HerderException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    spec.commandLine().getOut().printf("connect standalone worker: REST API on http://%s:%d/, %d connector(s)%n",
        workerHost(), worker.restPort(), worker.herder().connectors().size());
    spec.commandLine().getOut().flush();
    runUntilStopped(worker);
    return 0;
  }

  private String workerHost() {
    try {
      return PropertiesFiles.read(workerFile).getOrDefault("rest.host", "127.0.0.1");
    } catch (RuntimeException e) {
      return "127.0.0.1";
    }
  }

  /** Blocks until the JVM is asked to stop, then closes the worker (tasks commit their offsets). */
  static void runUntilStopped(AutoCloseable worker) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        worker.close();
      } catch (Exception e) {
        System.err.println("error: while stopping the worker: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "connect-shutdown"));
    stopped.await();
  }
}
