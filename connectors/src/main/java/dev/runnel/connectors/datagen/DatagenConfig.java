package dev.runnel.connectors.datagen;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/** The datagen source's settings (docs/connectors.md has the table). */
final class DatagenConfig extends AbstractConfig {
  static final String TOPIC = "topic";
  static final String QUICKSTART = "quickstart";
  static final String RATE_PER_SEC = "rate.per.sec";
  static final String MAX_RECORDS = "max.records";
  static final String SEED = "seed";
  static final String FRAUD_SHARE = "fraud.share";
  static final String CARDS_COUNT = "cards.count";
  static final String START_TIME_MS = "start.time.ms";
  static final String BATCH_MAX_RECORDS = "batch.max.records";
  /** Set by the connector on each task's config, not by users. */
  static final String TASK_INDEX = "task.index";

  static final String QUICKSTART_AUTHORIZATION_ATTEMPTS = "authorization_attempts";
  static final int RATE_PER_SEC_MAX = 1_000_000;

  static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
              Importance.HIGH, "Topic the events are written to.")
          .define(QUICKSTART, Type.STRING, QUICKSTART_AUTHORIZATION_ATTEMPTS,
              ValidString.in(QUICKSTART_AUTHORIZATION_ATTEMPTS), Importance.HIGH,
              "Which events to generate. authorization_attempts: {card_number, amount, merchant, ts}"
                  + " card authorizations with a share of fraud bursts.")
          .define(RATE_PER_SEC, Type.INT, 10, Range.between(1, RATE_PER_SEC_MAX), Importance.MEDIUM,
              "Events per second, over all tasks (an upper bound: slow consumers of poll() get fewer).")
          .define(MAX_RECORDS, Type.LONG, -1L, Range.atLeast(-1), Importance.MEDIUM,
              "Stop after this many events over all tasks; -1 = never stop.")
          .define(SEED, Type.LONG, null, Importance.MEDIUM,
              "Random seed. With a seed and start.time.ms the events are the same on every run;"
                  + " without one each run differs.")
          .define(FRAUD_SHARE, Type.DOUBLE, 0.05, Range.between(0.0, 1.0), Importance.MEDIUM,
              "Share of events (0..1, approximate) that belong to fraud bursts: one card making"
                  + " 4-6 attempts 1-10 s apart.")
          .define(CARDS_COUNT, Type.LONG, -1L, new CardsCount(), Importance.LOW,
              "Distinct cards in ordinary traffic; -1 = 100 times the events of 5 minutes (at least"
                  + " 100,000), so ordinary cards almost never reach 4 attempts in a window by chance.")
          .define(START_TIME_MS, Type.LONG, null, Importance.LOW,
              "Event time (epoch ms) of the first event; default: the wall clock when the task"
                  + " first starts. Event time then advances by 1/rate per event.")
          .define(BATCH_MAX_RECORDS, Type.INT, 1_000, Range.between(1, 100_000), Importance.LOW,
              "Most events one poll() returns.")
          .defineInternal(TASK_INDEX, Type.INT, 0, Importance.LOW);

  /** -1 (automatic) or a positive count. */
  static final class CardsCount implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      long count = (Long) value;
      if (count != -1 && count < 1) {
        throw new ConfigException(name, value, "must be -1 (automatic) or at least 1");
      }
    }

    @Override
    public String toString() {
      return "-1 or [1,...]";
    }
  }

  DatagenConfig(Map<String, String> props) {
    super(DEFINITION, props);
  }

  String topic() {
    return getString(TOPIC);
  }

  int ratePerSec() {
    return getInt(RATE_PER_SEC);
  }

  long maxRecords() {
    return getLong(MAX_RECORDS);
  }

  /** The seed, or null when none was configured. */
  Long seed() {
    return getLong(SEED);
  }

  double fraudShare() {
    return getDouble(FRAUD_SHARE);
  }

  /** The configured pool of ordinary cards, or the automatic size for this task's rate. */
  long cardsCount() {
    long configured = getLong(CARDS_COUNT);
    return configured == -1 ? AuthorizationAttempts.defaultCardsCount(ratePerSec()) : configured;
  }

  /** The first event's time, or null for "now". */
  Long startTimeMs() {
    return getLong(START_TIME_MS);
  }

  int batchMaxRecords() {
    return getInt(BATCH_MAX_RECORDS);
  }

  int taskIndex() {
    return getInt(TASK_INDEX);
  }
}
