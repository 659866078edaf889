package dev.runnel.connect.file;

import dev.runnel.connect.ConnectVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Appends the records of its topics to a text file, one line per record: a string value as is,
 * a struct, map or list as compact JSON (a struct keeps its schema's field order). The file is
 * fsynced before offsets are committed, so a committed record is on disk. One task.
 */
public final class FileStreamSinkConnector extends SinkConnector {
  public static final String FILE = "file";

  static final ConfigDef CONFIG =
      new ConfigDef().define(FILE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
          Importance.HIGH, "The file to append to");

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new AbstractConfig(CONFIG, props);
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return FileStreamSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    // One writer per file: more tasks would interleave partial writes.
    return new ArrayList<>(List.of(props));
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return CONFIG;
  }

  @Override
  public String version() {
    return ConnectVersion.get();
  }
}
