package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consumer group series on /metrics: rebalances, members per group, committed offsets, lag. */
class GroupMetricsTest {
  private static final String TOPIC = "metered";
  private static final String GROUP = "meters";

  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static String bootstrap;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir);
    bootstrap = "127.0.0.1:" + node.grpcPort();
    try (Admin admin = Admin.create(bootstrap); Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      admin.createTopic(TOPIC, 2, 1, Map.of());
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord(TOPIC, 0, null, new byte[] {1}, List.of(), 0));
      }
      for (int i = 0; i < 4; i++) {
        producer.send(new ProducerRecord(TOPIC, 1, null, new byte[] {1}, List.of(), 0));
      }
      producer.flush();
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String metrics() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double value(String metrics, String series) {
    double value = valueOrNaN(metrics, series);
    assertFalse(Double.isNaN(value), "no " + series + " in\n" + metrics);
    return value;
  }

  private static double valueOrNaN(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static String series(String name, int partition) {
    return name + "{group=\"" + GROUP + "\",topic=\"" + TOPIC + "\",partition=\"" + partition + "\"}";
  }

  private static GroupConsumer member() {
    GroupConsumer c =
        GroupConsumer.builder()
            .bootstrap(bootstrap)
            .groupId(GROUP)
            .autoCommit(false)
            .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
            .build();
    c.subscribe(List.of(TOPIC));
    return c;
  }

  @Test
  void membersCommittedOffsetsLagAndRebalancesAppearWithTheirValues() throws Exception {
    double rebalancesBefore = value(metrics(), "runnel_group_rebalances_total");
    try (GroupConsumer a = member(); GroupConsumer b = member()) {
      long deadlineMs = System.currentTimeMillis() + 10_000;
      while (a.assignment().size() != 1 || b.assignment().size() != 1) {
        assertFalse(System.currentTimeMillis() > deadlineMs, "not one partition each within 10 s");
        a.poll(Duration.ofMillis(20));
        b.poll(Duration.ofMillis(20));
      }
      TopicPartition p0 = new TopicPartition(TOPIC, 0);
      TopicPartition p1 = new TopicPartition(TOPIC, 1);
      (a.assignment().contains(p0) ? a : b).commitSync(Map.of(p0, 3L));
      (a.assignment().contains(p1) ? a : b).commitSync(Map.of(p1, 4L));

      // Member counts and the rebalance counter are taken on the coordinator's 100 ms tick.
      await().atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                String t = metrics();
                return valueOrNaN(t, "runnel_group_rebalances_total") >= rebalancesBefore + 1
                    && valueOrNaN(t, "runnel_group_members{group=\"" + GROUP + "\"}") == 2.0;
              });
      String text = metrics();
      assertTrue(text.contains("# TYPE runnel_group_rebalances_total counter"), text);
      assertTrue(text.contains("# TYPE runnel_group_members gauge"), text);
      assertEquals(3.0, value(text, series("runnel_group_committed_offset", 0)));
      assertEquals(4.0, value(text, series("runnel_group_committed_offset", 1)));
      assertEquals(7.0, value(text, series("runnel_group_lag", 0)), "end 10 - committed 3");
      assertEquals(0.0, value(text, series("runnel_group_lag", 1)), "end 4 - committed 4");

      b.close();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> valueOrNaN(metrics(), "runnel_group_members{group=\"" + GROUP + "\"}") == 1.0);
    }
    // No members left: the group's member series goes, its offsets and lag stay.
    await().atMost(Duration.ofSeconds(5)).until(() -> !metrics().contains("runnel_group_members{group=\"" + GROUP));
    String text = metrics();
    assertEquals(7.0, value(text, series("runnel_group_lag", 0)));
  }
}
