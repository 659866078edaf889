package dev.runnel.connect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo path: the built-in connectors are on the worker's class path (listed by
 * GET /connector-plugins), and the datagen source's authorization_attempts quickstart, created
 * over REST as a user would, fills a topic with exactly max.records events.
 */
class DatagenEndToEndTest extends WithLocalNode {
  private static final int MAX_RECORDS = 300;

  static ConnectStandalone worker;
  static RestClient rest;

  @BeforeAll
  static void startWorker() throws Exception {
    worker = ConnectStandalone.start(ConnectTestSupport.workerProps(node, dir.resolve("worker")), List.of());
    rest = new RestClient(worker.restPort());
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void connectorPlugins_listTheBuiltInConnectors_withTheirVersion() {
    RestClient.Response plugins = rest.get("/connector-plugins");
    assertEquals(200, plugins.status(), plugins.raw());
    List<String> classes = new ArrayList<>();
    plugins.body().forEach(p -> {
      classes.add(p.get("class").asText() + "/" + p.get("type").asText());
      if (p.get("class").asText().startsWith("dev.runnel.connectors.")) {
        assertFalse(p.get("version").asText().isBlank() || "undefined".equals(p.get("version").asText()), p.toString());
      }
    });
    for (String expected : List.of(
        "dev.runnel.connectors.jdbc.JdbcSourceConnector/source",
        "dev.runnel.connectors.datagen.DatagenConnector/source",
        "dev.runnel.connectors.jdbc.JdbcSinkConnector/sink",
        "dev.runnel.connectors.http.HttpSinkConnector/sink",
        "dev.runnel.connect.file.FileStreamSourceConnector/source")) {
      assertTrue(classes.contains(expected), expected + " in " + classes);
    }
  }

  @Test
  void datagenQuickstart_writesExactlyMaxRecordsAuthorizationAttempts() {
    Map<String, String> config = ConnectTestSupport.props(
        "connector.class", "Datagen",
        "quickstart", "authorization_attempts",
        "topic", "authorization_attempts",
        "rate.per.sec", "2000",
        "max.records", Integer.toString(MAX_RECORDS),
        "seed", "42");
    RestClient.Response created = rest.post("/connectors",
        RestClient.json(Map.of("name", "auth-datagen", "config", config)));
    assertEquals(201, created.status(), created.raw());

    // The committed source offset reaches max.records only after every record was acknowledged.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode offsets = rest.get("/connectors/auth-datagen/offsets").body();
      return offsets.at("/offsets/0/offset/position").asLong() == MAX_RECORDS;
    });
    JsonNode status = rest.get("/connectors/auth-datagen/status").body();
    assertEquals("RUNNING", status.at("/connector/state").asText(), status.toString());
    assertEquals("RUNNING", status.at("/tasks/0/state").asText(), status.toString());

    List<ConsumerRecord> records = readAll("authorization_attempts");
    assertEquals(MAX_RECORDS, records.size(), "max.records events and no more");
    Set<String> cards = new HashSet<>();
    for (ConsumerRecord record : records) {
      JsonNode value = parse(record.value()).get("payload");
      String card = value.get("card_number").asText();
      assertTrue(card.matches("\\d{16}") && luhnValid(card), card);
      assertEquals(card, new String(record.key(), StandardCharsets.UTF_8), "the card number is the key");
      double amount = value.get("amount").asDouble();
      assertTrue(amount > 0 && amount < 1000, "amount " + amount);
      assertFalse(value.get("merchant").asText().isBlank());
      long ts = value.get("ts").asLong();
      assertEquals(ts, record.timestampMs(), "the event time is the record timestamp");
      cards.add(card);
    }
    // (At this rate a fraud burst's attempts, seconds apart in event time, lie thousands of events apart.)
    assertTrue(cards.size() > MAX_RECORDS / 2, "many cards: " + cards.size());
  }

  /** Every record of the topic, from the beginning to its current end. */
  private static List<ConsumerRecord> readAll(String topic) {
    try (Consumer consumer = Consumer.builder().bootstrap(node.bootstrap()).fetchMaxWaitMs(100).build()) {
      consumer.subscribe(topic);
      Set<TopicPartition> partitions = consumer.assignment();
      consumer.seekToEnd(partitions);
      long end = 0;
      for (TopicPartition tp : partitions) {
        end += consumer.position(tp);
      }
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord> out = new ArrayList<>();
      long total = end;
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        out.addAll(consumer.poll(Duration.ofMillis(200)));
        return out.size() >= total;
      });
      return out;
    }
  }

  private static JsonNode parse(byte[] json) {
    try {
      return RestClient.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + new String(json, StandardCharsets.UTF_8), e);
    }
  }

  private static boolean luhnValid(String digits) {
    int sum = 0;
    for (int i = 0; i < digits.length(); i++) {
      int digit = digits.charAt(digits.length() - 1 - i) - '0';
      if (i % 2 == 1) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
    }
    return sum % 10 == 0;
  }
}
