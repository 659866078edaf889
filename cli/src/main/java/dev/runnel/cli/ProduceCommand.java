package dev.runnel.cli;

import dev.runnel.loadtest.AcksConverter;
import dev.runnel.loadtest.CompressionConverter;
import dev.runnel.loadtest.SendTally;
import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.Codec;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RunnelException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Sends one record per stdin line. Sends are asynchronous so a large file is batched; reading
 * stops at the first failed send, since the rest would most likely fail the same way.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Send one record per line of stdin to TOPIC.")
final class ProduceCommand implements Callable<Integer> {
  private static final long SETTLE_GRACE_NS = 5_000_000_000L;

  @Spec CommandSpec spec;

  @ParentCommand Runnel runnel;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TOPIC")
  String topic;

  @Option(
      names = "--key-separator",
      paramLabel = "SEP",
      description = "Text before the first SEP of a line is the record key (lines without SEP are unkeyed).")
  String keySeparator;

  @Option(
      names = "--acks",
      defaultValue = "quorum",
      paramLabel = "quorum|all|leader|none",
      converter = AcksConverter.class,
      description =
          "Acknowledge after a majority of replicas (quorum, default), all of them, the leader"
              + " only (before replication), or not at all (none).")
  Acks acks;

  @Option(
      names = "--compression",
      defaultValue = "none",
      paramLabel = "none|lz4|zstd",
      converter = CompressionConverter.class,
      description = "Compress each batch with this codec (default: ${DEFAULT-VALUE}).")
  Codec compression;

  @Option(names = "--partition", paramLabel = "N", description = "Send every record to partition N.")
  Integer partition;

  @Override
  public Integer call() throws IOException {
    if (partition != null && partition < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--partition must be >= 0, got " + partition);
    }
    if (keySeparator != null && keySeparator.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--key-separator must not be empty");
    }
    SendTally tally = new SendTally();
    try (Producer producer = client.producer().acks(acks).compression(compression).build();
        BufferedReader lines = new BufferedReader(new InputStreamReader(runnel.stdin(), StandardCharsets.UTF_8))) {
      String line;
      while (tally.firstError() == null && (line = lines.readLine()) != null) {
        LineRecord record = LineRecord.parse(line, keySeparator);
        tally.recordSent();
        producer
            .send(new ProducerRecord(topic, partition, record.key(), record.value(), List.of(), 0L))
            .whenComplete(
                (metadata, error) -> {
                  if (error == null) {
                    tally.recordAck(System.nanoTime());
                  } else {
                    tally.recordFailure(error);
                  }
                });
      }
      producer.flush();
      // flush() returns once every send completed; the callbacks above may lag it by a moment.
      tally.awaitSettled(System.nanoTime() + SETTLE_GRACE_NS);
    }
    if (tally.failed() > 0 || tally.acked() < tally.sent()) {
      String reason =
          tally.firstError() == null
              ? "sends did not complete"
              : ErrorReporter.describe(RunnelException.from(tally.firstError()), client.bootstrap);
      spec.commandLine().getErr().printf(
          "error: %s (%d of %d records not acknowledged)%n", reason, tally.sent() - tally.acked(), tally.sent());
      return ErrorReporter.EXIT_FAILURE;
    }
    spec.commandLine().getErr().printf("produced %d records to %s%n", tally.sent(), topic);
    return 0;
  }
}
