package dev.runnel.sql;

import static org.awaitility.Awaitility.await;

import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.format.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fraud demo's scripted authorization attempts (explicit timestamps) and the possible_fraud
 * rows they must give, in two halves so that tests can restart an engine or server in between.
 */
public final class FraudScript {
  public static final String SOURCE = "CREATE STREAM authorization_attempts (card_number VARCHAR, amount DOUBLE)"
      + " WITH (kafka_topic='authorization_attempts', value_format='JSON', partitions=1);";
  public static final String SEED = """
      CREATE STREAM possible_fraud AS
        SELECT card_number, count(*)
        FROM authorization_attempts
        WINDOW TUMBLING (SIZE 5 MINUTE)
        GROUP BY card_number
        HAVING count(*) > 3;""";
  static final long MIN = 60_000;
  /** A window start: 2023-11-14 22:10 UTC. */
  static final long T0 = 1_700_000_000_000L - (1_700_000_000_000L % (5 * MIN));
  static final long GRACE = 24 * 60 * MIN;

  public static final List<String> EXPECTED = List.of(
      "A count=4 window=[T0+0m,T0+5m)",
      "D count=4 window=[T0+0m,T0+5m)",
      "Z count=4 window=[T0+1445m,T0+1450m)");

  private FraudScript() {}

  private static void attempt(Producer producer, String card, long tsMs) {
    byte[] value = ("{\"card_number\":\"" + card + "\",\"amount\":9.99}").getBytes(StandardCharsets.UTF_8);
    producer.sendSync(new ProducerRecord("authorization_attempts", null, null, value, List.of(), tsMs));
  }

  /** The first half of the script (11 attempts): up to the middle of card A's burst. */
  public static void firstHalf(Producer producer) {
    attempt(producer, "A", T0 + 10_000);
    attempt(producer, "B", T0 + 11_000);
    attempt(producer, "A", T0 + 20_000);
    attempt(producer, "B", T0 + 21_000);
    attempt(producer, "B", T0 + 22_000); // B: 3 attempts in the window, not fraud
    attempt(producer, "D", T0 + 30_000);
    attempt(producer, "D", T0 + 31_000);
    attempt(producer, "D", T0 + 32_000); // D: 3 so far
    attempt(producer, "E", T0 + 40_000);
    attempt(producer, "E", T0 + 41_000);
    attempt(producer, "E", T0 + 42_000); // E: 3 so far
  }

  public static void secondHalf(Producer producer) {
    attempt(producer, "A", T0 + 30_000);
    attempt(producer, "A", T0 + 40_000); // A: 4th attempt in [T0, T0+5m): flagged
    // C: two attempts each side of the boundary at T0+5m: 2 per window, not flagged.
    attempt(producer, "C", T0 + 5 * MIN - 10_000);
    attempt(producer, "C", T0 + 5 * MIN - 5_000);
    attempt(producer, "C", T0 + 5 * MIN + 5_000);
    attempt(producer, "C", T0 + 5 * MIN + 10_000);
    attempt(producer, "X", T0 + 60 * MIN); // stream time moves one hour on
    attempt(producer, "D", T0 + 3 * MIN); // late, within the 24 h default grace: D's 4th, flagged
    attempt(producer, "Y", T0 + 5 * MIN + GRACE); // stream time reaches T0's window end + grace: it closes
    attempt(producer, "E", T0 + 2 * MIN); // E's 4th, but beyond the grace period: dropped
    for (int i = 0; i < 4; i++) {
      attempt(producer, "Z", T0 + 5 * MIN + GRACE + i); // the end marker: flagged last
    }
  }

  /** The possible_fraud rows in topic order, once the end marker's row is there. */
  public static List<String> fraudRows(String bootstrap, DataSource sink) {
    RecordCodec codec = new RecordCodec(sink);
    List<String> rows = new ArrayList<>();
    try (Consumer c = Consumer.builder().bootstrap(bootstrap).build()) {
      TopicPartition tp = new TopicPartition(sink.topic(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        for (ConsumerRecord r : c.poll(Duration.ofMillis(200))) {
          Object[] row = codec.decode(r.key(), r.value(), r.timestampMs(), r.partition(), r.offset()).row();
          long start = (Long) row[sink.columns().size() + 3];
          long end = (Long) row[sink.columns().size() + 4];
          rows.add(row[0] + " count=" + row[1] + " window=[T0+" + (start - T0) / MIN + "m,T0+" + (end - T0) / MIN + "m)");
        }
        return rows.stream().anyMatch(s -> s.startsWith("Z count=4"));
      });
    }
    return rows;
  }
}
