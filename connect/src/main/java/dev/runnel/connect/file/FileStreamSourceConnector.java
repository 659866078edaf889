package dev.runnel.connect.file;

import dev.runnel.connect.ConnectVersion;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Reads a text file line by line into a topic and keeps following it as it grows (like {@code
 * tail -f}). One task; the source offset is the byte position after the last line sent, so a
 * restart resumes exactly there.
 */
public final class FileStreamSourceConnector extends SourceConnector {
  public static final String FILE = "file";
  public static final String TOPIC = "topic";
  public static final String BATCH_SIZE = "batch.size";
  public static final String POLL_INTERVAL_MS = "poll.interval.ms";

  static final ConfigDef CONFIG =
      new ConfigDef()
          .define(FILE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
              "The file to read")
          .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
              "The topic to write the lines to")
          .define(BATCH_SIZE, Type.INT, 2000, Range.between(1, 100_000), Importance.LOW,
              "Most lines returned by one poll")
          .define(POLL_INTERVAL_MS, Type.LONG, 250L, Range.between(1, 60_000), Importance.LOW,
              "How long poll waits for the file to grow before returning empty");

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new AbstractConfig(CONFIG, props);
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return FileStreamSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return List.of(props);
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
