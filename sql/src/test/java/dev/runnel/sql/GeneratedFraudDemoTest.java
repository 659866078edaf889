package dev.runnel.sql;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.connectors.datagen.AuthorizationAttempts;
import dev.runnel.connectors.datagen.AuthorizationAttempts.Attempt;
import dev.runnel.loadtest.LocalNode;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.engine.QueryRuntime;
import dev.runnel.sql.format.RecordCodec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fraud demo on generated data (docs/sql.md, "Demo in a minute with generated data"): events
 * of the datagen connector's generator, written as its records are (JSON value, card number as
 * key, event time as record timestamp), go through the documented CREATE STREAM and the seed's
 * statement unchanged; the possible_fraud rows must be exactly those an independent count per
 * card and epoch-aligned 5-minute window gives, and the generated fraud bursts must be among them.
 */
class GeneratedFraudDemoTest {
  /** The CREATE STREAM of docs/sql.md for the datagen's events: its JSON fields, by name. */
  static final String SOURCE = "CREATE STREAM authorization_attempts"
      + " (card_number VARCHAR, amount DOUBLE, merchant VARCHAR, ts BIGINT)"
      + " WITH (kafka_topic='authorization_attempts', value_format='JSON', partitions=1);";

  static final long WINDOW_MS = 5 * 60_000;
  /** The demo's data: docs/sql.md runs the datagen connector with this file. */
  static final Path DEMO_PROPERTIES = Path.of("../connect/examples/datagen-fraud-demo.properties");
  /** Fraud bursts test a card with amounts of 1 to 10; ordinary amounts start at e^3 ≈ 20. */
  static final double BURST_AMOUNT_MAX = 10.0;
  /** Not a generated card number: four attempts of it after the data mark the end of the output. */
  static final String END_CARD = "END";

  @TempDir Path dir;

  /** The generator's settings, as the connector's task 0 uses them (its seed is the connector's). */
  record Dataset(
      String name, long seed, int ratePerSec, double fraudShare, long cardsCount, int events, long startMs) {
    @Override
    public String toString() {
      return name + " (seed " + seed + ", " + events + " events at " + ratePerSec + "/s)";
    }
  }

  static Stream<Dataset> datasets() throws IOException {
    Properties demo = new Properties();
    try (Reader in = Files.newBufferedReader(DEMO_PROPERTIES)) {
      demo.load(in);
    }
    if (!demo.getProperty("tasks.max", "1").equals("1")) {
      throw new IllegalStateException("tasks after the first use other seeds: keep tasks.max=1 in " + DEMO_PROPERTIES);
    }
    int demoRatePerSec = Integer.parseInt(demo.getProperty("rate.per.sec"));
    return Stream.of(
        new Dataset("connect/examples/datagen-fraud-demo.properties",
            Long.parseLong(demo.getProperty("seed")),
            demoRatePerSec,
            Double.parseDouble(demo.getProperty("fraud.share", "0.05")),
            demo.containsKey("cards.count") && !demo.getProperty("cards.count").equals("-1")
                ? Long.parseLong(demo.getProperty("cards.count"))
                : AuthorizationAttempts.defaultCardsCount(demoRatePerSec),
            Integer.parseInt(demo.getProperty("max.records")),
            Long.parseLong(demo.getProperty("start.time.ms"))),
        // 400 s of event time from 3 min 20 s into a window: three windows, so bursts can
        // straddle a boundary; rate and fraud share as in datagen-authorization-attempts.properties.
        new Dataset("three windows", 20_231_114L, 50, 0.05, AuthorizationAttempts.defaultCardsCount(50),
            20_000, 1_700_000_000_000L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("datasets")
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void seed_statement_flags_exactly_the_cards_an_independent_count_flags(Dataset data) throws Exception {
    System.out.println("GeneratedFraudDemoTest " + data);
    List<Attempt> events = generate(data);
    List<String> expected = expectedRows(events);
    Set<String> burstCards = events.stream()
        .filter(e -> e.amount() <= BURST_AMOUNT_MAX)
        .map(Attempt::cardNumber)
        .collect(Collectors.toSet());

    try (LocalNode node = LocalNode.start(dir.resolve("node"));
        Producer producer = Producer.builder().bootstrap(node.bootstrap()).lingerMs(5).build();
        SqlEngine engine = new SqlEngine(SqlConfig.defaults(node.bootstrap(), dir.resolve("state")))) {
      engine.execute(SOURCE + "SET 'auto.offset.reset'='earliest';");
      engine.execute(FraudScript.SEED);
      for (Attempt e : events) {
        producer.send(record(e));
      }
      producer.flush();

      List<String> actual = fraudRows(node.bootstrap(), engine.source("POSSIBLE_FRAUD"));
      QueryRuntime query = engine.queries().get(0);
      assertEquals(events.size(), query.metrics().recordsIn.get(), "every event reached the query");
      assertEquals(0, query.metrics().lateDropped.get(), "events come in event-time order: none is late");

      assertEquals(sorted(expected), sorted(actual), "possible_fraud rows (card window count)");
      Set<String> flaggedCards = actual.stream().map(r -> r.split(" ")[0]).collect(Collectors.toSet());
      assertTrue(flaggedCards.stream().anyMatch(burstCards::contains),
          "at least one generated burst is flagged; flagged: " + flaggedCards);
      System.out.println("GeneratedFraudDemoTest: " + events.size() + " events, " + actual.size()
          + " possible_fraud rows, flagged cards " + flaggedCards.size() + ", burst cards "
          + burstCards.size() + ": " + sorted(actual));
    }
  }

  /** The generated events, then the end marker: four attempts of END_CARD one window later. */
  static List<Attempt> generate(Dataset data) {
    AuthorizationAttempts generator = new AuthorizationAttempts(
        data.seed(), data.fraudShare(), data.cardsCount(), data.startMs(), data.ratePerSec());
    List<Attempt> events = new ArrayList<>(data.events() + 4);
    for (int i = 0; i < data.events(); i++) {
      events.add(generator.next());
    }
    long endMs = events.get(events.size() - 1).tsMs() + WINDOW_MS;
    for (int i = 0; i < 4; i++) {
      events.add(new Attempt(END_CARD, 1.0, "End", endMs + i));
    }
    return events;
  }

  /**
   * The oracle: attempts per card per epoch-aligned window; a window with n > 3 attempts emits
   * one row for each count from 4 to n (EMIT CHANGES: the 4th attempt and every later one).
   */
  static List<String> expectedRows(List<Attempt> events) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Attempt e : events) {
      long windowStartMs = e.tsMs() - Math.floorMod(e.tsMs(), WINDOW_MS);
      counts.merge(e.cardNumber() + " " + windowStartMs, 1, Integer::sum);
    }
    List<String> rows = new ArrayList<>();
    counts.forEach((cardAndWindow, n) -> {
      for (int count = 4; count <= n; count++) {
        rows.add(cardAndWindow + " " + count);
      }
    });
    assertFalse(rows.isEmpty());
    return rows;
  }

  /** One record as the datagen connector writes it with the example worker's converters. */
  static ProducerRecord record(Attempt e) {
    // JsonConverter with schemas.enable=false: the struct's fields in order; ts (a Connect
    // Timestamp) as epoch milliseconds. The key is the card number (StringConverter).
    ObjectNode value = MAPPER.createObjectNode()
        .put("card_number", e.cardNumber())
        .put("amount", e.amount())
        .put("merchant", e.merchant())
        .put("ts", e.tsMs());
    try {
      return new ProducerRecord("authorization_attempts", null,
          e.cardNumber().getBytes(StandardCharsets.UTF_8), MAPPER.writeValueAsBytes(value),
          List.of(), e.tsMs());
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** possible_fraud as "card windowStartMs count" rows, read until the end marker's row. */
  static List<String> fraudRows(String bootstrap, DataSource sink) {
    RecordCodec codec = new RecordCodec(sink);
    int windowStartIndex = sink.columns().size() + 3;
    List<String> rows = new ArrayList<>();
    try (Consumer c = Consumer.builder().bootstrap(bootstrap).build()) {
      TopicPartition tp = new TopicPartition(sink.topic(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord r : c.poll(Duration.ofMillis(200))) {
          Object[] row = codec.decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset()).row();
          rows.add(row[0] + " " + row[windowStartIndex] + " " + row[1]);
        }
        return rows.stream().anyMatch(s -> s.startsWith(END_CARD + " ") && s.endsWith(" 4"));
      });
    }
    return rows;
  }

  private static List<String> sorted(List<String> rows) {
    return rows.stream().sorted().toList();
  }
}
