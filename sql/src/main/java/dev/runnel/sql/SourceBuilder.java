package dev.runnel.sql;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.ast.Pos;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.ast.Statement.SourceKind;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.format.Formats;
import dev.runnel.sql.types.SqlType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds catalog entries from CREATE statements: checks the WITH properties, the columns and the
 * formats, and creates or looks up the topic behind the source.
 */
final class SourceBuilder {
  private static final Set<String> SOURCE_PROPERTIES = Set.of(
      "KAFKA_TOPIC", "VALUE_FORMAT", "KEY_FORMAT", "FORMAT", "PARTITIONS", "REPLICAS", "TIMESTAMP", "VALUE_DELIMITER");

  private SourceBuilder() {}

  /** CREATE STREAM|TABLE name (columns) WITH (...). */
  static DataSource declared(Statement.CreateSource s, String sql, Admin admin) {
    Map<String, Object> props = s.properties();
    checkProperties(props, s.pos());
    String topic = string(props, "KAFKA_TOPIC", s.pos());
    if (topic == null) {
      throw error(s.pos(), "Missing WITH property kafka_topic: the topic that holds " + s.name() + "'s records");
    }
    if (s.columns().isEmpty()) {
      throw error(s.pos(), "A " + s.kind() + " needs its columns, e.g. CREATE " + s.kind() + " " + s.name()
          + " (id VARCHAR " + (s.kind() == SourceKind.TABLE ? "PRIMARY KEY" : "KEY") + ", amount DOUBLE) WITH (...)");
    }
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Statement.ColumnDef c : s.columns()) {
      if (!names.add(c.name())) {
        throw error(c.pos(), "Duplicate column name '" + c.name() + "'");
      }
      if (Set.of("ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND").contains(c.name())) {
        throw error(c.pos(), "'" + c.name() + "' is a reserved pseudo column name");
      }
      (c.key() ? keys : values).add(new Column(c.name(), c.type(), c.key()));
    }
    if (s.kind() == SourceKind.TABLE && keys.isEmpty()) {
      throw error(s.pos(), "A TABLE needs a PRIMARY KEY column, e.g. (id VARCHAR PRIMARY KEY, ...)");
    }
    if (values.isEmpty()) {
      throw error(s.pos(), s.name() + " needs at least one value (non-key) column");
    }
    List<Column> columns = new ArrayList<>(keys);
    columns.addAll(values);
    String valueFormat = format(props, "VALUE_FORMAT", "JSON", s.pos());
    String keyFormat = format(props, "KEY_FORMAT", keys.isEmpty() ? "NONE" : "KAFKA", s.pos());
    try {
      Formats.validate(valueFormat, values, "value");
      Formats.validate(keyFormat, keys, "key");
    } catch (SqlException e) {
      throw error(s.pos(), e.getMessage());
    }
    String timestamp = timestampColumn(props, columns, s.pos());
    int partitions = topicPartitions(admin, topic, props, s.pos());
    return new DataSource(s.name(), s.kind(), columns, topic, keyFormat, valueFormat,
        string(props, "VALUE_DELIMITER", s.pos()), timestamp, null, partitions, sql);
  }

  /** The source a CREATE ... AS SELECT writes: columns from the plan (keys first), formats from WITH or the input. */
  static DataSource derived(Statement.CreateAsSelect s, String sql, QueryPlan plan, Admin admin) {
    Map<String, Object> props = s.properties();
    checkProperties(props, s.pos());
    if (s.kind() == SourceKind.TABLE && !plan.isAggregation() && !plan.input().isTable()) {
      throw error(s.pos(), "Invalid result type: this SELECT produces a STREAM (no GROUP BY and a stream input);"
          + " use CREATE STREAM ... AS SELECT");
    }
    List<Column> columns = new ArrayList<>(plan.keyColumns());
    columns.addAll(plan.outputColumns().stream().filter(c -> !c.key()).toList());
    List<Column> keys = plan.keyColumns();
    List<Column> values = columns.stream().filter(c -> !c.key()).toList();
    String inputKeyFormat = plan.input().keyFormat();
    String defaultKeyFormat;
    if (keys.isEmpty()) {
      defaultKeyFormat = "NONE";
    } else if (!inputKeyFormat.equals("NONE") && fits(inputKeyFormat, keys)) {
      defaultKeyFormat = inputKeyFormat;
    } else {
      defaultKeyFormat = fits("KAFKA", keys) ? "KAFKA" : "JSON";
    }
    String keyFormat = format(props, "KEY_FORMAT", defaultKeyFormat, s.pos());
    String valueFormat = format(props, "VALUE_FORMAT", plan.input().valueFormat(), s.pos());
    try {
      Formats.validate(valueFormat, values, "value");
      Formats.validate(keyFormat, keys, "key");
    } catch (SqlException e) {
      throw error(s.pos(), e.getMessage());
    }
    String topic = string(props, "KAFKA_TOPIC", s.pos());
    topic = topic == null ? s.name() : topic;
    String timestamp = timestampColumn(props, columns, s.pos());
    Integer partitions = integer(props, "PARTITIONS", s.pos());
    int p = partitions != null ? partitions : plan.input().partitions();
    Integer replicas = integer(props, "REPLICAS", s.pos());
    ensureTopic(admin, topic, p, replicas == null ? 0 : replicas, s.pos());
    String delimiter = string(props, "VALUE_DELIMITER", s.pos());
    if (delimiter == null && valueFormat.equals(plan.input().valueFormat())) {
      delimiter = plan.input().valueDelimiter();
    }
    return new DataSource(s.name(), s.kind(), columns, topic, keyFormat, valueFormat, delimiter, timestamp,
        plan.outputWindow(), p, sql);
  }

  private static boolean fits(String format, List<Column> keys) {
    try {
      Formats.validate(format, keys, "key");
      return true;
    } catch (SqlException e) {
      return false;
    }
  }

  private static void checkProperties(Map<String, Object> props, Pos pos) {
    for (String name : props.keySet()) {
      if (!SOURCE_PROPERTIES.contains(name)) {
        throw error(pos, "Unknown WITH property '" + name.toLowerCase(Locale.ROOT) + "' (supported: "
            + String.join(", ", SOURCE_PROPERTIES.stream().map(p -> p.toLowerCase(Locale.ROOT)).sorted().toList()) + ")");
      }
    }
  }

  private static String timestampColumn(Map<String, Object> props, List<Column> columns, Pos pos) {
    String ts = string(props, "TIMESTAMP", pos);
    if (ts == null) {
      return null;
    }
    String name = ts.toUpperCase(Locale.ROOT);
    Column c = columns.stream().filter(col -> col.name().equals(name) || col.name().equals(ts)).findFirst()
        .orElseThrow(() -> error(pos, "The timestamp column '" + ts + "' is not a column of the source"));
    if (c.type().base() != SqlType.Base.BIGINT && c.type().base() != SqlType.Base.INTEGER) {
      throw error(pos, "The timestamp column " + c.name() + " must be BIGINT (epoch milliseconds), not " + c.type());
    }
    return c.name();
  }

  private static int topicPartitions(Admin admin, String topic, Map<String, Object> props, Pos pos) {
    Integer partitions = integer(props, "PARTITIONS", pos);
    Integer replicas = integer(props, "REPLICAS", pos);
    if (partitions != null) {
      return ensureTopic(admin, topic, partitions, replicas == null ? 0 : replicas, pos);
    }
    try {
      return admin.describeTopic(topic).getPartitionsCount();
    } catch (RunnelException e) {
      if (e.reason() == ErrorReason.UNKNOWN_TOPIC) {
        throw error(pos, "Topic '" + topic + "' does not exist: create it, or add partitions=N to the WITH clause");
      }
      throw error(pos, "Cannot look up topic '" + topic + "': " + e.getMessage());
    }
  }

  /** Creates the topic unless it exists; returns its partition count. */
  static int ensureTopic(Admin admin, String topic, int partitions, int replicas, Pos pos) {
    if (partitions < 1) {
      throw error(pos, "partitions must be at least 1");
    }
    try {
      return admin.createTopic(topic, partitions, replicas, Map.of()).getPartitionsCount();
    } catch (RunnelException e) {
      if (e.reason() == ErrorReason.TOPIC_ALREADY_EXISTS) {
        return admin.describeTopic(topic).getPartitionsCount();
      }
      if (e.retriable()) {
        throw e; // the engine reports it as ClusterUnavailableException: running the statement again may work
      }
      throw error(pos, "Cannot create topic '" + topic + "': " + e.getMessage());
    }
  }

  private static String format(Map<String, Object> props, String name, String dflt, Pos pos) {
    String v = string(props, name, pos);
    if (v == null) {
      v = string(props, "FORMAT", pos);
    }
    return v == null ? dflt : v.toUpperCase(Locale.ROOT);
  }

  static String string(Map<String, Object> props, String name, Pos pos) {
    Object v = props.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw error(pos, "WITH property " + name.toLowerCase(Locale.ROOT) + " must be a quoted string, got " + v);
    }
    return s;
  }

  static Integer integer(Map<String, Object> props, String name, Pos pos) {
    Object v = props.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer i) || i < 1) {
      throw error(pos, "WITH property " + name.toLowerCase(Locale.ROOT) + " must be a positive integer, got " + v);
    }
    return i;
  }

  static SqlException error(Pos pos, String message) {
    return new SqlException(message, pos.line(), pos.column());
  }
}
