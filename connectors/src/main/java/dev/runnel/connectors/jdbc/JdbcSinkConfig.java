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
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.types.Password;

/** The JDBC sink's settings (docs/connectors.md has the table). */
final class JdbcSinkConfig extends AbstractConfig {
  static final String CONNECTION_URL = JdbcSourceConfig.CONNECTION_URL;
  static final String CONNECTION_USER = JdbcSourceConfig.CONNECTION_USER;
  static final String CONNECTION_PASSWORD = JdbcSourceConfig.CONNECTION_PASSWORD;
  static final String INSERT_MODE = "insert.mode";
  static final String PK_MODE = "pk.mode";
  static final String PK_FIELDS = "pk.fields";
  static final String AUTO_CREATE = "auto.create";
  static final String AUTO_EVOLVE = "auto.evolve";
  static final String TABLE_NAME_FORMAT = "table.name.format";
  static final String BATCH_MAX_ROWS = "batch.max.rows";

  static final String INSERT = "insert";
  static final String UPSERT = "upsert";

  static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
              Importance.HIGH, "JDBC URL, e.g. jdbc:sqlite:/data/shop.db or jdbc:postgresql://host:5432/db.")
          .define(CONNECTION_USER, Type.STRING, null, Importance.HIGH, "Database user.")
          .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH, "Database password.")
          .define(INSERT_MODE, Type.STRING, INSERT, ValidString.in(INSERT, UPSERT), Importance.HIGH,
              "insert: plain INSERT (a duplicate key fails the task); upsert: insert or update the row"
                  + " with the same primary key (PostgreSQL and SQLite: INSERT ... ON CONFLICT).")
          .define(PK_MODE, Type.STRING, PrimaryKeyMode.NONE.configValue,
              ValidString.in(PrimaryKeyMode.configValues().toArray(String[]::new)), Importance.HIGH,
              "Where the primary key comes from: none, record_key (the key: a primitive goes to the"
                  + " column named by pk.fields, default __connect_key; a struct/map gives its fields)"
                  + " or record_value (the value fields named in pk.fields).")
          .define(PK_FIELDS, Type.LIST, "", Importance.MEDIUM,
              "Primary key column names (see pk.mode). Required for record_value.")
          .define(AUTO_CREATE, Type.BOOLEAN, false, Importance.MEDIUM,
              "Create a missing table from the first record's schema (with the primary key).")
          .define(AUTO_EVOLVE, Type.BOOLEAN, false, Importance.MEDIUM,
              "Add missing columns (nullable) when a record has fields the table lacks.")
          .define(TABLE_NAME_FORMAT, Type.STRING, "${topic}", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
              "Table name for a record; ${topic} is replaced by the record's topic. \"schema.table\" names a"
                  + " schema. Names are quoted, so they are case-sensitive.")
          .define(BATCH_MAX_ROWS, Type.INT, 1_000, Range.between(1, 100_000), Importance.LOW,
              "Most rows in one JDBC batch; a put() with more rows sends several batches in its one"
                  + " transaction.");

  JdbcSinkConfig(Map<String, String> props) {
    super(DEFINITION, props);
  }

  /** Rules across fields; each problem names the field to change. */
  static List<Problem> problems(Map<String, String> props) {
    JdbcSinkConfig config = new JdbcSinkConfig(props);
    List<Problem> problems = new ArrayList<>();
    if (config.upsert()) {
      if (config.pkMode() == PrimaryKeyMode.NONE) {
        problems.add(new Problem(PK_MODE, "insert.mode=upsert needs a primary key: set pk.mode to record_key or record_value"));
      }
      JdbcDialect dialect = JdbcDialect.forUrl(config.url());
      if (!dialect.supportsUpsert()) {
        problems.add(new Problem(INSERT_MODE, "insert.mode=upsert is supported on PostgreSQL and SQLite, not on " + config.url()));
      }
    }
    if (config.pkMode() == PrimaryKeyMode.RECORD_VALUE && config.pkFields().isEmpty()) {
      problems.add(new Problem(PK_FIELDS, "pk.mode=record_value needs the key's value fields in pk.fields"));
    }
    if (config.pkMode() == PrimaryKeyMode.NONE && !config.pkFields().isEmpty()) {
      problems.add(new Problem(PK_FIELDS, "pk.fields is set but pk.mode=none; set pk.mode too"));
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

  boolean upsert() {
    return UPSERT.equals(getString(INSERT_MODE));
  }

  PrimaryKeyMode pkMode() {
    return PrimaryKeyMode.fromConfig(getString(PK_MODE));
  }

  List<String> pkFields() {
    return getList(PK_FIELDS).stream().map(String::trim).filter(field -> !field.isEmpty()).toList();
  }

  boolean autoCreate() {
    return getBoolean(AUTO_CREATE);
  }

  boolean autoEvolve() {
    return getBoolean(AUTO_EVOLVE);
  }

  String tableNameFormat() {
    return getString(TABLE_NAME_FORMAT);
  }

  int batchMaxRows() {
    return getInt(BATCH_MAX_ROWS);
  }
}
