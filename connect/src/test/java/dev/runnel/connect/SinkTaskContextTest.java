package dev.runnel.connect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.IllegalWorkerStateException;
import org.junit.jupiter.api.Test;

/** SinkTaskContext pause / resume / offset / requestCommit, honoured by the runtime on a real node. */
class SinkTaskContextTest extends WithLocalNode {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aPausedPartitionDeliversNothingUntilResumedWhileTheOtherGoesOn_andOffsetRewinds() {
    String topic = "ctx-pause";
    try (Admin admin = Admin.create(node.bootstrap())) {
      admin.createTopic(topic, 2, 1, Map.of());
    }
    ControlledSinkConnector.Probe probe = ControlledSinkConnector.probe("ctx-pause");
    Map<String, String> sink = ConnectTestSupport.props(
        "name", "ctx-pause",
        "connector.class", ControlledSinkConnector.class.getName(),
        "topics", topic,
        "probe", "ctx-pause",
        "value.converter", "org.apache.kafka.connect.storage.StringConverter");
    TopicPartition p0 = new TopicPartition(topic, 0);
    try (Producer producer = Producer.builder().bootstrap(node.bootstrap()).build();
        ConnectStandalone worker = ConnectStandalone.start(
            ConnectTestSupport.workerProps(node, dir.resolve("w")), List.of(sink))) {
      produce(producer, topic, 0, 3);
      produce(producer, topic, 1, 3);
      await().atMost(WAIT).until(() -> probe.delivered.size() == 6);

      probe.onTaskThread(context -> context.pause(p0));
      probe.onTaskThread(context -> context.pause(new TopicPartition("not-mine", 0)));
      // put() runs after every poll, also an empty one: wait until both actions ran.
      await().atMost(WAIT).until(() -> probe.actions.isEmpty() && probe.actionErrors.size() == 1);
      assertInstanceOf(IllegalWorkerStateException.class, probe.actionErrors.get(0));
      produce(producer, topic, 0, 3);
      produce(producer, topic, 1, 3);
      await().atMost(WAIT).until(() -> probe.deliveredOf(1).size() == 6);
      // More rounds of polling pass while partition 0 stays paused.
      int seen = probe.delivered.size();
      probe.onTaskThread(context -> context.requestCommit());
      produce(producer, topic, 1, 2);
      await().atMost(WAIT).until(() -> probe.deliveredOf(1).size() == 8);
      assertEquals(List.of("0@0", "0@1", "0@2"), probe.deliveredOf(0));
      assertEquals(seen + 2, probe.delivered.size());

      probe.onTaskThread(context -> context.resume(p0));
      await().atMost(WAIT).until(() -> probe.deliveredOf(0).size() == 6);
      assertEquals(List.of("0@0", "0@1", "0@2", "0@3", "0@4", "0@5"), probe.deliveredOf(0));

      // offset(): partition 0 is read again from offset 1.
      probe.onTaskThread(context -> context.offset(p0, 1));
      await().atMost(WAIT).until(() -> probe.deliveredOf(0).size() == 11);
      assertEquals(List.of("0@1", "0@2", "0@3", "0@4", "0@5"), probe.deliveredOf(0).subList(6, 11));
      assertEquals(1, probe.actionErrors.size(), "only the foreign pause failed: " + probe.actionErrors);
      assertTrue(probe.deliveredOf(1).stream().distinct().count() == 8, "partition 1 never went back: " + probe.deliveredOf(1));
    }
  }

  private static void produce(Producer producer, String topic, int partition, int count) {
    List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(producer.send(new ProducerRecord(topic, partition, null,
          ("v" + i).getBytes(StandardCharsets.UTF_8), List.of(), 0)));
    }
    producer.flush();
    sends.forEach(java.util.concurrent.CompletableFuture::join);
  }
}
