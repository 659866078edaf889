package dev.runnel.cli;

import dev.runnel.connect.PropertiesFiles;
import dev.runnel.connect.distributed.ConnectDistributed;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A distributed worker in the foreground until Ctrl-C. */
@Command(
    name = "distributed",
    mixinStandardHelpOptions = true,
    description = "Run a distributed Connect worker; workers with the same group.id share the work. Ctrl-C stops it.")
final class ConnectDistributedCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "WORKER_PROPERTIES", description = "worker settings (bootstrap.servers, group.id, ...)")
  Path workerFile;

  @Override
  public Integer call() throws Exception {
    ConnectDistributed worker;
    try {
      worker = ConnectDistributed.start(PropertiesFiles.read(workerFile));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    spec.commandLine().getOut().printf("connect distributed worker %s: REST API on port %d%n",
        worker.herder().workerId(), worker.restPort());
    spec.commandLine().getOut().flush();
    ConnectStandaloneCommand.runUntilStopped(worker);
    return 0;
  }
}
