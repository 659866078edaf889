package dev.runnel.connectors.datagen;

import dev.runnel.connectors.ConnectorVersion;
import dev.runnel.connectors.datagen.AuthorizationAttempts.Attempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** Emits generated events at the configured rate; its source offset is the event count. */
public class DatagenTask extends SourceTask {
  static final Schema VALUE_SCHEMA =
      SchemaBuilder.struct()
          .name("dev.runnel.datagen.AuthorizationAttempt")
          .field("card_number", Schema.STRING_SCHEMA)
          .field("amount", Schema.FLOAT64_SCHEMA)
          .field("merchant", Schema.STRING_SCHEMA)
          .field("ts", Timestamp.SCHEMA)
          .build();

  static final String OFFSET_POSITION = "position";
  static final String OFFSET_START_MS = "start_ms";
  /** How long poll() waits at most before returning null, so stop() is never kept waiting. */
  static final long POLL_WAIT_MS_MAX = 200;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private DatagenConfig config;
  private Map<String, Object> sourcePartition;
  private AuthorizationAttempts generator;
  private EmissionPacer pacer;
  private long emittedSinceStart;
  private long startMs;

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  static Map<String, Object> sourcePartition(String quickstart, int taskIndex) {
    return Map.of("datagen", quickstart, "task", taskIndex);
  }

  @Override
  public void start(Map<String, String> props) {
    config = new DatagenConfig(props);
    sourcePartition = sourcePartition(config.getString(DatagenConfig.QUICKSTART), config.taskIndex());
    Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition);
    long position = 0;
    startMs = config.startTimeMs() != null ? config.startTimeMs() : System.currentTimeMillis();
    if (offset != null && offset.get(OFFSET_POSITION) instanceof Number stored) {
      position = stored.longValue();
      // A restart continues the same event-time line, not a new one starting now.
      if (offset.get(OFFSET_START_MS) instanceof Number storedStart) {
        startMs = storedStart.longValue();
      }
    }
    // A different seed per task, derived from the connector's, so tasks do not repeat each other.
    long seed = (config.seed() != null ? config.seed() : System.nanoTime()) + 0x9E3779B97F4A7C15L * config.taskIndex();
    generator =
        new AuthorizationAttempts(seed, config.fraudShare(), config.cardsCount(), startMs, config.ratePerSec());
    generator.skip(position);
    pacer = new EmissionPacer(config.ratePerSec(), System.nanoTime());
    emittedSinceStart = 0;
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    long remaining = config.maxRecords() < 0 ? Long.MAX_VALUE : config.maxRecords() - generator.position();
    if (remaining <= 0) {
      stopped.await(POLL_WAIT_MS_MAX, TimeUnit.MILLISECONDS);
      return null;
    }
    long due = pacer.dueCount(System.nanoTime()) - emittedSinceStart;
    if (due <= 0) {
      long waitNs = Math.min(pacer.nanosUntilDue(emittedSinceStart, System.nanoTime()),
          TimeUnit.MILLISECONDS.toNanos(POLL_WAIT_MS_MAX));
      if (stopped.await(waitNs, TimeUnit.NANOSECONDS)) {
        return null;
      }
      due = pacer.dueCount(System.nanoTime()) - emittedSinceStart;
      if (due <= 0) {
        return null;
      }
    }
    int count = (int) Math.min(Math.min(due, remaining), config.batchMaxRecords());
    List<SourceRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(toRecord(generator.next()));
    }
    emittedSinceStart += count;
    return records;
  }

  private SourceRecord toRecord(Attempt attempt) {
    Struct value =
        new Struct(VALUE_SCHEMA)
            .put("card_number", attempt.cardNumber())
            .put("amount", attempt.amount())
            .put("merchant", attempt.merchant())
            .put("ts", new java.util.Date(attempt.tsMs()));
    Map<String, Object> offset = Map.of(OFFSET_POSITION, generator.position(), OFFSET_START_MS, startMs);
    return new SourceRecord(
        sourcePartition, offset, config.topic(), null,
        Schema.STRING_SCHEMA, attempt.cardNumber(), VALUE_SCHEMA, value, attempt.tsMs());
  }

  @Override
  public void stop() {
    stopped.countDown();
  }
}
