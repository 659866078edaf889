package dev.runnel.connectors.jdbc;

import dev.runnel.connectors.ConfigChecks;
import dev.runnel.connectors.ConnectorVersion;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Copies rows of database tables (or of one query) into topics, incrementally: by a strictly
 * increasing column, a last-modified timestamp, or both. Tables are spread over the tasks; a
 * custom query runs in one task.
 */
public class JdbcSourceConnector extends SourceConnector {
  private Map<String, String> props;
  private JdbcSourceConfig config;

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    return ConfigChecks.validate(JdbcSourceConfig.DEFINITION, connectorConfigs, JdbcSourceConfig::problems);
  }

  @Override
  public void start(Map<String, String> props) {
    this.config = new JdbcSourceConfig(props);
    ConfigChecks.throwFirst(JdbcSourceConfig.problems(props));
    this.props = Map.copyOf(props);
    if (!config.tables().isEmpty()) {
      checkTablesExist();
    }
  }

  /** Fail at start with the table's name, not later in every task with an SQL error. */
  private void checkTablesExist() {
    try (Connection connection = JdbcConnections.open(config.url(), config.user(), config.password())) {
      DatabaseMetaData metadata = connection.getMetaData();
      for (String name : config.tables()) {
        TableId table = TableId.parse(name);
        if (!tableExists(metadata, table)) {
          throw new ConnectException(JdbcSourceConfig.TABLE_WHITELIST + ": table " + table + " does not exist in "
              + config.url());
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.wrap("cannot check the tables of " + config.url(), e);
    }
  }

  static boolean tableExists(DatabaseMetaData metadata, TableId table) throws SQLException {
    try (ResultSet tables = metadata.getTables(null, table.schema(), table.table(), null)) {
      while (tables.next()) {
        // The name argument is a LIKE pattern ('_' matches any character): compare exactly.
        if (table.table().equals(tables.getString("TABLE_NAME"))) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public Class<? extends Task> taskClass() {
    return JdbcSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<String> tables = config.tables();
    if (tables.isEmpty()) {
      // One custom query: one task, or two tasks would copy every row twice.
      return List.of(props);
    }
    int tasks = Math.min(maxTasks, tables.size());
    List<List<String>> groups = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      groups.add(new ArrayList<>());
    }
    for (int i = 0; i < tables.size(); i++) {
      groups.get(i % tasks).add(tables.get(i));
    }
    List<Map<String, String>> configs = new ArrayList<>();
    for (List<String> group : groups) {
      Map<String, String> taskProps = new HashMap<>(props);
      taskProps.put(JdbcSourceConfig.TASK_TABLES, String.join(",", group));
      configs.add(taskProps);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return JdbcSourceConfig.DEFINITION;
  }
}
