package dev.runnel.connect.runtime;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The runtime's part of a connector's config (Kafka Connect's names): which class, how many tasks,
 * converters, transforms and predicates, error handling; sinks add their topics and dead-letter
 * queue. Everything else in the map belongs to the connector itself.
 */
public final class ConnectorConfig extends AbstractConfig {
  public static final String NAME = "name";
  public static final String CONNECTOR_CLASS = "connector.class";
  public static final String TASKS_MAX = "tasks.max";
  public static final String KEY_CONVERTER = "key.converter";
  public static final String VALUE_CONVERTER = "value.converter";
  public static final String HEADER_CONVERTER = "header.converter";
  public static final String TRANSFORMS = "transforms";
  public static final String PREDICATES = "predicates";
  public static final String ERRORS_TOLERANCE = "errors.tolerance";
  public static final String ERRORS_RETRY_TIMEOUT_MS = "errors.retry.timeout";
  public static final String ERRORS_RETRY_DELAY_MAX_MS = "errors.retry.delay.max.ms";
  public static final String ERRORS_LOG_ENABLE = "errors.log.enable";
  public static final String ERRORS_LOG_INCLUDE_MESSAGES = "errors.log.include.messages";
  public static final String TOPICS = "topics";
  public static final String TOPICS_REGEX = "topics.regex";
  public static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";
  public static final String DLQ_REPLICATION = "errors.deadletterqueue.topic.replication.factor";
  public static final String DLQ_CONTEXT_HEADERS = "errors.deadletterqueue.context.headers.enable";

  /** The whole of the runtime's connector settings; sink-only ones are ignored by sources. */
  static final ConfigDef DEF =
      new ConfigDef()
          .define(NAME, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
              Importance.HIGH, "Unique name of the connector")
          .define(CONNECTOR_CLASS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
              "Class (or alias) of the connector")
          .define(TASKS_MAX, Type.INT, 1, Range.between(1, 1024), Importance.HIGH,
              "Most tasks the connector may run")
          .define(KEY_CONVERTER, Type.STRING, null, Importance.LOW, "Overrides the worker's key.converter")
          .define(VALUE_CONVERTER, Type.STRING, null, Importance.LOW, "Overrides the worker's value.converter")
          .define(HEADER_CONVERTER, Type.STRING, null, Importance.LOW, "Overrides the worker's header.converter")
          .define(TRANSFORMS, Type.LIST, "", Importance.LOW,
              "Aliases of the transforms applied in order; each needs transforms.<alias>.type")
          .define(PREDICATES, Type.LIST, "", Importance.LOW,
              "Aliases of predicates; each needs predicates.<alias>.type")
          .define(ERRORS_TOLERANCE, Type.STRING, "none", ValidString.in("none", "all"), Importance.MEDIUM,
              "none: a failed conversion or transform fails the task; all: the record is skipped")
          .define(ERRORS_RETRY_TIMEOUT_MS, Type.LONG, 0L, Range.atLeast(-1), Importance.MEDIUM,
              "How long a retriable failure is retried (ms); 0 = never, -1 = forever")
          .define(ERRORS_RETRY_DELAY_MAX_MS, Type.LONG, 60_000L, Range.between(1, 3_600_000),
              Importance.MEDIUM, "Longest wait between retries (ms); backoff doubles up to it")
          .define(ERRORS_LOG_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM, "Log every failed record")
          .define(ERRORS_LOG_INCLUDE_MESSAGES, Type.BOOLEAN, false, Importance.LOW,
              "Include the record (topic, partition, offset) in those logs")
          .define(TOPICS, Type.LIST, "", Importance.HIGH, "Sink: the topics to read")
          .define(TOPICS_REGEX, Type.STRING, "", Importance.HIGH,
              "Sink: read the topics matching this regex (looked up when a task starts)")
          .define(DLQ_TOPIC, Type.STRING, "", Importance.MEDIUM,
              "Sink: topic receiving records that failed conversion or transformation (with errors.tolerance=all)")
          .define(DLQ_REPLICATION, Type.INT, 0, Range.between(0, 5), Importance.LOW,
              "Sink: replication factor of the dead-letter topic when it is created; 0 = cluster default")
          .define(DLQ_CONTEXT_HEADERS, Type.BOOLEAN, true, Importance.LOW,
              "Sink: add __connect.errors.* headers describing the failure to dead-letter records");

  public ConnectorConfig(Map<String, String> props) {
    super(DEF, props, false);
  }

  public static ConfigDef configDef() {
    return DEF;
  }

  public String name() {
    return getString(NAME);
  }

  public String connectorClass() {
    return getString(CONNECTOR_CLASS);
  }

  public int tasksMax() {
    return getInt(TASKS_MAX);
  }

  public boolean toleratesAll() {
    return "all".equals(getString(ERRORS_TOLERANCE));
  }

  public List<String> sinkTopics() {
    return getList(TOPICS).stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
  }

  /** Sinks need exactly one of topics / topics.regex. */
  public void requireSinkTopics() {
    boolean hasList = !sinkTopics().isEmpty();
    boolean hasRegex = !getString(TOPICS_REGEX).isBlank();
    if (hasList == hasRegex) {
      throw new ConfigException(TOPICS, getList(TOPICS),
          "a sink connector needs exactly one of 'topics' or 'topics.regex'");
    }
    if (hasList && sinkTopics().contains(getString(DLQ_TOPIC))) {
      throw new ConfigException(DLQ_TOPIC, getString(DLQ_TOPIC), "the dead-letter topic cannot be one the sink reads");
    }
  }
}
