package dev.runnel.connect.errors;

import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordHeader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import dev.runnel.sdk.RecordMetadata;

/**
 * Sends a sink record that failed conversion or transformation, unchanged (its original key, value
 * and headers), to the dead-letter topic, with {@code __connect.errors.*} headers saying where it
 * came from and why it failed (Kafka Connect's names). The sink commits its offsets only after
 * these sends are acknowledged, so a failed record is never lost.
 */
public final class DeadLetterQueue {
  public static final String PREFIX = "__connect.errors.";
  public static final String TOPIC = PREFIX + "topic";
  public static final String PARTITION = PREFIX + "partition";
  public static final String OFFSET = PREFIX + "offset";
  public static final String CONNECTOR = PREFIX + "connector.name";
  public static final String TASK = PREFIX + "task.id";
  public static final String STAGE = PREFIX + "stage";
  public static final String CLASS = PREFIX + "class.name";
  public static final String EXCEPTION_CLASS = PREFIX + "exception.class.name";
  public static final String EXCEPTION_MESSAGE = PREFIX + "exception.message";
  public static final String EXCEPTION_TRACE = PREFIX + "exception.stacktrace";

  private final Producer producer;
  private final String topic;
  private final boolean contextHeaders;
  private final String connector;
  private final int taskId;
  private final List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>();

  public DeadLetterQueue(Producer producer, String topic, boolean contextHeaders, String connector, int taskId) {
    this.producer = producer;
    this.topic = topic;
    this.contextHeaders = contextHeaders;
    this.connector = connector;
    this.taskId = taskId;
  }

  public void report(ConsumerRecord original, Stage stage, String failedClass, Throwable error) {
    List<RecordHeader> headers = new ArrayList<>(original.headers());
    if (contextHeaders) {
      Throwable cause = error.getCause() != null && error instanceof ErrorHandler.SkipRecord ? error.getCause() : error;
      add(headers, TOPIC, original.topic());
      add(headers, PARTITION, Integer.toString(original.partition()));
      add(headers, OFFSET, Long.toString(original.offset()));
      add(headers, CONNECTOR, connector);
      add(headers, TASK, Integer.toString(taskId));
      add(headers, STAGE, stage.name());
      add(headers, CLASS, failedClass);
      add(headers, EXCEPTION_CLASS, cause.getClass().getName());
      add(headers, EXCEPTION_MESSAGE, String.valueOf(cause.getMessage()));
      StringWriter trace = new StringWriter();
      cause.printStackTrace(new PrintWriter(trace));
      add(headers, EXCEPTION_TRACE, trace.toString());
    }
    pending.add(producer.send(
        new ProducerRecord(topic, null, original.key(), original.value(), headers, original.timestampMs())));
  }

  /** Waits until every reported record is stored; throws if one could not be. */
  public void flush() {
    producer.flush();
    try {
      for (CompletableFuture<RecordMetadata> future : pending) {
        future.join();
      }
    } finally {
      pending.clear();
    }
  }

  public String topic() {
    return topic;
  }

  private static void add(List<RecordHeader> headers, String key, String value) {
    headers.add(new RecordHeader(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
  }
}
