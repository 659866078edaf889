package dev.runnel.loadtest.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code perf e2e}: end-to-end latency from the command line. The options are the keys of a
 * workload file (mode e2e), checked by the same {@link WorkloadParser}, so a command line and a
 * file always mean the same run. Options are kept as text for that reason.
 */
@Command(
    name = "e2e",
    mixinStandardHelpOptions = true,
    description = {
      "Measure end-to-end latency: consumers tail a fresh topic while producers send records"
          + " stamped with their (intended) send time.",
      "With --rate, latency counts from each record's scheduled send time (coordinated-omission"
          + " corrected)."
    })
public final class E2eCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BenchOutput output;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:RUNNEL_BOOTSTRAP:-127.0.0.1:9400}",
      description = "Address of any node (env RUNNEL_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Use this topic (created if missing) instead of a fresh one.")
  String topic;

  @Option(names = "--partitions", defaultValue = "6", paramLabel = "N", description = "Partitions (default: ${DEFAULT-VALUE}).")
  String partitions;

  @Option(names = "--replication-factor", defaultValue = "0", paramLabel = "RF", description = "0 = the cluster's default (default).")
  String replicationFactor;

  @Option(names = "--record-size", defaultValue = "1024", paramLabel = "BYTES", description = "Value size, >= 8 (default: ${DEFAULT-VALUE}).")
  String recordSizeBytes;

  @Option(names = "--records", defaultValue = "0", paramLabel = "N", description = "Stop after N records; 0 = only --duration-s limits (default).")
  String records;

  @Option(names = "--duration-s", defaultValue = "30", paramLabel = "S", description = "Measured duration after the warm-up (default: ${DEFAULT-VALUE}).")
  String durationS;

  @Option(names = "--warmup-s", defaultValue = "5", paramLabel = "S", description = "Warm-up not counted (default: ${DEFAULT-VALUE}).")
  String warmupS;

  @Option(names = "--producers", defaultValue = "1", paramLabel = "N", description = "Producer threads, one client each (default: ${DEFAULT-VALUE}).")
  String producers;

  @Option(names = "--consumers", defaultValue = "1", paramLabel = "N", description = "Consumer threads, one client each (default: ${DEFAULT-VALUE}).")
  String consumers;

  @Option(names = "--rate", defaultValue = "1000", paramLabel = "RECORDS_PER_S", description = "Total send rate; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  String rate;

  @Option(names = "--key-distribution", defaultValue = "none", paramLabel = "none|uniform|zipf", description = "Keys (default: ${DEFAULT-VALUE}).")
  String keyDistribution;

  @Option(names = "--key-count", defaultValue = "0", paramLabel = "K", description = "Distinct keys for uniform/zipf.")
  String keyCount;

  @Option(names = "--acks", defaultValue = "quorum", paramLabel = "quorum|all|leader|none", description = "Default: ${DEFAULT-VALUE}.")
  String acks;

  @Option(names = "--compression", defaultValue = "none", paramLabel = "none|lz4|zstd", description = "Default: ${DEFAULT-VALUE}.")
  String compression;

  @Option(names = "--payload", defaultValue = "random", paramLabel = "random|json", description = "Default: ${DEFAULT-VALUE}.")
  String payload;

  @Option(names = "--linger-ms", defaultValue = "5", paramLabel = "MS", description = "Producer linger (default: ${DEFAULT-VALUE}).")
  String lingerMs;

  @Option(names = "--batch-size", defaultValue = "262144", paramLabel = "BYTES", description = "Producer batch size (default: ${DEFAULT-VALUE}).")
  String batchSizeBytes;

  @Override
  public Integer call() throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("name", "e2e");
    values.put("mode", "e2e");
    values.put("topic", topic);
    values.put("partitions", partitions);
    values.put("replicationFactor", replicationFactor);
    values.put("recordSizeBytes", recordSizeBytes);
    values.put("records", records);
    values.put("durationS", durationS);
    values.put("warmupS", warmupS);
    values.put("producers", producers);
    values.put("consumers", consumers);
    values.put("rateRecordsPerSec", rate);
    values.put("keyDistribution", keyDistribution);
    values.put("keyCount", keyCount);
    values.put("acks", acks);
    values.put("compression", compression);
    values.put("payload", payload);
    values.put("lingerMs", lingerMs);
    values.put("batchSizeBytes", batchSizeBytes);
    Workload workload;
    try {
      workload = WorkloadParser.fromValues(values, "perf e2e");
    } catch (WorkloadException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return BenchRun.execute(spec, RunnelDriver::new, bootstrap, workload, output, false);
  }
}
