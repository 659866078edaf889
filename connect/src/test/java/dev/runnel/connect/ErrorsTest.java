package dev.runnel.connect;

import static dev.runnel.connect.ConnectTestSupport.lines;
import static dev.runnel.connect.ConnectTestSupport.props;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.connect.errors.DeadLetterQueue;
import dev.runnel.connect.herder.ConnectorStatus;
import dev.runnel.connect.runtime.State;
import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** errors.tolerance and the dead-letter queue, end to end with a file sink. */
class ErrorsTest extends WithLocalNode {

  static void produce(String topic, String... values) {
    try (Admin admin = Admin.create(node.bootstrap());
        Producer producer = Producer.builder().bootstrap(node.bootstrap()).build()) {
      admin.createTopic(topic, 1, 0, Map.of());
      for (String value : values) {
        producer.sendSync(new ProducerRecord(topic, 0, null, value.getBytes(StandardCharsets.UTF_8),
            List.of(new RecordHeader("origin", "test".getBytes(StandardCharsets.UTF_8))), 0L));
      }
    }
  }

  @Test
  void toleranceAll_sendsRecordsThatFailConversionOrTransformationToTheDeadLetterTopic() {
    produce("raw", "{\"a\":1}", "not json", "{\"a\":2}", "{\"a\":\"x\"}");
    Path out = dir.resolve("tolerant.txt");
    Map<String, String> sink = props(
        "name", "tolerant",
        "connector.class", "FileStreamSink",
        "topics", "raw",
        "file", out.toString(),
        "value.converter", "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable", "false",
        "transforms", "cast",
        "transforms.cast.type", "org.apache.kafka.connect.transforms.Cast$Value",
        "transforms.cast.spec", "a:int8",
        "errors.tolerance", "all",
        "errors.log.enable", "true",
        "errors.log.include.messages", "true",
        "errors.deadletterqueue.topic.name", "raw-dlq");
    try (ConnectStandalone worker = ConnectStandalone.start(ConnectTestSupport.workerProps(node, dir.resolve("w1")), List.of(sink))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() >= 2);
      assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), lines(out));
      List<ConsumerRecord> dead = read("raw-dlq", 2);
      assertEquals(2, dead.size());
      assertEquals("not json", new String(dead.get(0).value(), StandardCharsets.UTF_8));
      Map<String, String> first = headers(dead.get(0));
      assertEquals("test", first.get("origin"), "the original headers are kept");
      assertEquals("raw", first.get(DeadLetterQueue.TOPIC));
      assertEquals("0", first.get(DeadLetterQueue.PARTITION));
      assertEquals("1", first.get(DeadLetterQueue.OFFSET));
      assertEquals("tolerant", first.get(DeadLetterQueue.CONNECTOR));
      assertEquals("0", first.get(DeadLetterQueue.TASK));
      assertEquals("VALUE_CONVERTER", first.get(DeadLetterQueue.STAGE));
      assertEquals("org.apache.kafka.connect.errors.DataException", first.get(DeadLetterQueue.EXCEPTION_CLASS));
      assertTrue(first.get(DeadLetterQueue.EXCEPTION_TRACE).contains("DataException"));
      Map<String, String> second = headers(dead.get(1));
      assertEquals("3", second.get(DeadLetterQueue.OFFSET));
      assertEquals("TRANSFORMATION", second.get(DeadLetterQueue.STAGE));
      // Nothing was lost: the sink's committed offset went past every record, good and bad.
      await().atMost(Duration.ofSeconds(30)).until(() ->
          worker.herder().offsets("tolerant").toString().contains("kafka_offset=4"));
    }
  }

  @Test
  void toleranceNone_failsTheTaskAndDoesNotCommitPastTheBadRecord() {
    produce("strict-in", "{\"a\":1}", "oops");
    Path out = dir.resolve("strict.txt");
    Map<String, String> sink = props(
        "name", "strict",
        "connector.class", "FileStreamSink",
        "topics", "strict-in",
        "file", out.toString(),
        "value.converter", "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable", "false");
    try (ConnectStandalone worker = ConnectStandalone.start(ConnectTestSupport.workerProps(node, dir.resolve("w2")), List.of(sink))) {
      await().atMost(Duration.ofSeconds(30)).until(() ->
          worker.herder().connectorStatus("strict").tasks().get(0).state() == State.FAILED);
      ConnectorStatus status = worker.herder().connectorStatus("strict");
      String trace = status.tasks().get(0).trace();
      assertTrue(trace.contains("VALUE_CONVERTER") && trace.contains("errors.tolerance=none"), trace);
      assertEquals(State.RUNNING, status.connector().state());
      // The batch failed before put(): nothing written, nothing committed; a restart reads it again.
      assertEquals(List.of(), lines(out));
      assertTrue(worker.herder().offsets("strict").isEmpty(), worker.herder().offsets("strict").toString());
    }
  }

  static Map<String, String> headers(ConsumerRecord record) {
    Map<String, String> out = new HashMap<>();
    for (RecordHeader h : record.headers()) {
      out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  static List<ConsumerRecord> read(String topic, int expected) {
    List<ConsumerRecord> out = new ArrayList<>();
    try (Consumer consumer = Consumer.builder().bootstrap(node.bootstrap())
        .autoOffsetReset(Consumer.OffsetReset.EARLIEST).build()) {
      consumer.subscribe(topic);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        out.addAll(consumer.poll(Duration.ofMillis(200)));
        return out.size() >= expected;
      });
    }
    return out;
  }
}
