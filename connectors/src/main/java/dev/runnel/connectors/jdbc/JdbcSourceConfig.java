package dev.runnel.connectors.jdbc;

import dev.runnel.connectors.ConfigChecks.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/** The JDBC source's settings (docs/connectors.md has the table). */
final class JdbcSourceConfig extends AbstractConfig {
  static final String CONNECTION_URL = "connection.url";
  static final String CONNECTION_USER = "connection.user";
  static final String CONNECTION_PASSWORD = "connection.password";
  static final String MODE = "mode";
  static final String INCREMENTING_COLUMN = "incrementing.column.name";
  static final String TIMESTAMP_COLUMN = "timestamp.column.name";
  static final String TABLE_WHITELIST = "table.whitelist";
  static final String QUERY = "query";
  static final String TOPIC_PREFIX = "topic.prefix";
  static final String POLL_INTERVAL_MS = "poll.interval.ms";
  static final String BATCH_MAX_ROWS = "batch.max.rows";
  static final String TIMESTAMP_DELAY_MS = "timestamp.delay.interval.ms";
  /** Set by the connector on each task's config: the tables that task reads. */
  static final String TASK_TABLES = "task.tables";

  static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
              Importance.HIGH, "JDBC URL, e.g. jdbc:sqlite:/data/shop.db or jdbc:postgresql://host:5432/db.")
          .define(CONNECTION_USER, Type.STRING, null, Importance.HIGH, "Database user.")
          .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH, "Database password.")
          .define(MODE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
              ConfigDef.ValidString.in(QueryMode.configValues().toArray(String[]::new)), Importance.HIGH,
              "How new rows are found: incrementing (a strictly increasing id column), timestamp (a"
                  + " last-modified column: also sees updates), timestamp+incrementing (both; no row"
                  + " sharing a timestamp is ever skipped).")
          .define(INCREMENTING_COLUMN, Type.STRING, "", Importance.HIGH,
              "The strictly increasing integer column (modes incrementing, timestamp+incrementing).")
          .define(TIMESTAMP_COLUMN, Type.STRING, "", Importance.HIGH,
              "The last-modified timestamp column (modes timestamp, timestamp+incrementing).")
          .define(TABLE_WHITELIST, Type.LIST, "", Importance.HIGH,
              "Tables to copy, each to topic <topic.prefix><table>. Set this or query.")
          .define(QUERY, Type.STRING, "", Importance.MEDIUM,
              "A SELECT to copy instead of whole tables (it is wrapped as a subquery); the records go"
                  + " to topic <topic.prefix>. Set this or table.whitelist.")
          .define(TOPIC_PREFIX, Type.STRING, "", Importance.HIGH,
              "Prefix of the topic names; with query, the topic name itself.")
          .define(POLL_INTERVAL_MS, Type.INT, 5_000, Range.atLeast(1), Importance.MEDIUM,
              "How often each table is queried for new rows when the last query found fewer than"
                  + " batch.max.rows.")
          .define(BATCH_MAX_ROWS, Type.INT, 100, Range.between(1, 100_000), Importance.LOW,
              "Most rows one query reads (one poll's records per table).")
          .define(TIMESTAMP_DELAY_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
              "Timestamp modes read rows only up to now minus this delay, giving transactions that"
                  + " commit late with an earlier timestamp time to commit.")
          .defineInternal(TASK_TABLES, Type.LIST, "", Importance.LOW);

  JdbcSourceConfig(Map<String, String> props) {
    super(DEFINITION, props);
  }

  /** Rules across fields; each problem names the field to change. */
  static List<Problem> problems(Map<String, String> props) {
    JdbcSourceConfig config = new JdbcSourceConfig(props);
    List<Problem> problems = new ArrayList<>();
    QueryMode mode = config.mode();
    if (mode.usesIncrementing() && config.incrementingColumn().isEmpty()) {
      problems.add(new Problem(INCREMENTING_COLUMN, "mode=" + mode.configValue + " needs " + INCREMENTING_COLUMN));
    }
    if (mode.usesTimestamp() && config.timestampColumn().isEmpty()) {
      problems.add(new Problem(TIMESTAMP_COLUMN, "mode=" + mode.configValue + " needs " + TIMESTAMP_COLUMN));
    }
    if (config.tables().isEmpty() && config.query().isEmpty()) {
      problems.add(new Problem(TABLE_WHITELIST, "set " + TABLE_WHITELIST + " or " + QUERY));
    } else if (!config.tables().isEmpty() && !config.query().isEmpty()) {
      problems.add(new Problem(QUERY, "set " + TABLE_WHITELIST + " or " + QUERY + ", not both"));
    }
    if (!config.query().isEmpty() && config.topicPrefix().isEmpty()) {
      problems.add(new Problem(TOPIC_PREFIX, "with " + QUERY + ", " + TOPIC_PREFIX + " is the topic name and must be set"));
    }
    return problems;
  }

  String url() {
    return getString(CONNECTION_URL);
  }

  String user() {
    return getString(CONNECTION_USER);
  }

  String password() {
    Password password = getPassword(CONNECTION_PASSWORD);
    return password == null ? null : password.value();
  }

  QueryMode mode() {
    return QueryMode.fromConfig(getString(MODE));
  }

  String incrementingColumn() {
    return getString(INCREMENTING_COLUMN).trim();
  }

  String timestampColumn() {
    return getString(TIMESTAMP_COLUMN).trim();
  }

  List<String> tables() {
    return getList(TABLE_WHITELIST).stream().map(String::trim).filter(table -> !table.isEmpty()).toList();
  }

  String query() {
    return getString(QUERY).trim();
  }

  String topicPrefix() {
    return getString(TOPIC_PREFIX);
  }

  int pollIntervalMs() {
    return getInt(POLL_INTERVAL_MS);
  }

  int batchMaxRows() {
    return getInt(BATCH_MAX_ROWS);
  }

  long timestampDelayMs() {
    return getLong(TIMESTAMP_DELAY_MS);
  }

  List<String> taskTables() {
    return getList(TASK_TABLES);
  }
}
