package dev.runnel.connect.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A worker's settings (the {@code worker.properties} file). Names follow Kafka Connect's where the
 * concept is the same, so existing worker files mostly carry over; {@code bootstrap.servers} is a
 * Runnel node's gRPC {@code host:port}. Every bound is checked when the worker starts.
 */
public final class WorkerConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String KEY_CONVERTER = "key.converter";
  public static final String VALUE_CONVERTER = "value.converter";
  public static final String HEADER_CONVERTER = "header.converter";
  public static final String OFFSET_FILE = "offset.storage.file.filename";
  public static final String OFFSET_FLUSH_INTERVAL_MS = "offset.flush.interval.ms";
  public static final String PLUGIN_PATH = "plugin.path";
  public static final String REST_HOST = "rest.host";
  public static final String REST_PORT = "rest.port";
  public static final String WORKER_ID = "worker.id";
  public static final String SOURCE_OUTSTANDING_RECORDS_MAX = "source.outstanding.records.max";
  public static final String SINK_POLL_RECORDS_MAX = "sink.poll.records.max";
  public static final String TASK_SHUTDOWN_TIMEOUT_MS = "task.shutdown.graceful.timeout.ms";
  public static final String GROUP_ID = "group.id";
  public static final String CONFIG_TOPIC = "config.storage.topic";
  public static final String OFFSET_TOPIC = "offset.storage.topic";
  public static final String STATUS_TOPIC = "status.storage.topic";
  public static final String OFFSET_TOPIC_PARTITIONS = "offset.storage.partitions";
  public static final String INTERNAL_TOPIC_REPLICATION = "internal.topics.replication.factor";
  public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
  public static final String TOPIC_CREATION_ENABLE = "topic.creation.enable";
  public static final String TOPIC_CREATION_PARTITIONS = "topic.creation.default.partitions";
  public static final String TOPIC_CREATION_REPLICATION = "topic.creation.default.replication.factor";

  static final String DEFAULT_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";
  static final String DEFAULT_HEADER_CONVERTER = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

  private static final ConfigDef DEF =
      new ConfigDef()
          .define(BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:9400", Importance.HIGH,
              "host:port of a Runnel node (its gRPC port)")
          .define(KEY_CONVERTER, Type.STRING, DEFAULT_CONVERTER, Importance.HIGH,
              "Converter of record keys, unless a connector sets its own")
          .define(VALUE_CONVERTER, Type.STRING, DEFAULT_CONVERTER, Importance.HIGH,
              "Converter of record values, unless a connector sets its own")
          .define(HEADER_CONVERTER, Type.STRING, DEFAULT_HEADER_CONVERTER, Importance.LOW,
              "Converter of header values")
          .define(OFFSET_FILE, Type.STRING, "", Importance.HIGH,
              "Standalone: the file keeping source offsets (required in standalone mode)")
          .define(OFFSET_FLUSH_INTERVAL_MS, Type.LONG, 10_000L, Range.between(10, 3_600_000),
              Importance.MEDIUM, "How often source offsets are committed (and sink offsets flushed)")
          .define(PLUGIN_PATH, Type.LIST, "", Importance.MEDIUM,
              "Directories (or jars) holding connector plugins, each loaded in its own class loader")
          .define(REST_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the REST API binds")
          .define(REST_PORT, Type.INT, 8083, Range.between(0, 65535), Importance.MEDIUM,
              "Port of the REST API; 0 picks a free one")
          .define(WORKER_ID, Type.STRING, "", Importance.LOW,
              "Name of this worker in statuses; default rest.host:rest.port")
          .define(SOURCE_OUTSTANDING_RECORDS_MAX, Type.INT, 10_000, Range.between(1, 1_000_000),
              Importance.LOW, "A source task blocks once this many of its records await acknowledgement")
          .define(SINK_POLL_RECORDS_MAX, Type.INT, 500, Range.between(1, 100_000), Importance.LOW,
              "Records a sink task receives per put() at most")
          .define(TASK_SHUTDOWN_TIMEOUT_MS, Type.LONG, 5_000L, Range.between(0, 600_000),
              Importance.LOW, "How long stopping waits for a task to finish")
          .define(GROUP_ID, Type.STRING, "", Importance.HIGH,
              "Distributed: workers with the same group.id share connectors and tasks")
          .define(CONFIG_TOPIC, Type.STRING, "__connect_configs", Importance.MEDIUM,
              "Distributed: compacted topic holding connector configs")
          .define(OFFSET_TOPIC, Type.STRING, "__connect_offsets", Importance.MEDIUM,
              "Distributed: compacted topic holding source offsets; its partitions spread the tasks")
          .define(STATUS_TOPIC, Type.STRING, "__connect_status", Importance.MEDIUM,
              "Distributed: compacted topic holding connector and task statuses")
          .define(OFFSET_TOPIC_PARTITIONS, Type.INT, 25, Range.between(1, 1000), Importance.LOW,
              "Distributed: partitions of the offsets topic when the worker creates it")
          .define(INTERNAL_TOPIC_REPLICATION, Type.INT, 0, Range.between(0, 5), Importance.LOW,
              "Distributed: replication factor of the internal topics; 0 = the cluster default")
          .define(TOPIC_CREATION_ENABLE, Type.BOOLEAN, true, Importance.LOW,
              "Create a topic a source task writes to when it does not exist yet")
          .define(TOPIC_CREATION_PARTITIONS, Type.INT, 1, Range.between(1, 10_000), Importance.LOW,
              "Partitions of topics created for source tasks")
          .define(TOPIC_CREATION_REPLICATION, Type.INT, 0, Range.between(0, 5), Importance.LOW,
              "Replication factor of topics created for source tasks; 0 = the cluster default")
          .define(SESSION_TIMEOUT_MS, Type.INT, 10_000, Range.between(1_000, 300_000), Importance.LOW,
              "Distributed: a worker silent this long is dead and its tasks move");

  private final Map<String, String> originals;

  public WorkerConfig(Map<String, String> props) {
    super(DEF, props);
    this.originals = Map.copyOf(props);
  }

  public static ConfigDef configDef() {
    return DEF;
  }

  public String bootstrap() {
    return getString(BOOTSTRAP_SERVERS);
  }

  public List<Path> pluginPath() {
    List<Path> out = new ArrayList<>();
    for (String entry : getList(PLUGIN_PATH)) {
      if (!entry.isBlank()) {
        out.add(Path.of(entry.trim()));
      }
    }
    return out;
  }

  /** The worker's own properties under {@code prefix} (e.g. "value.converter."), prefix removed. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new HashMap<>();
    originals.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  public Map<String, String> rawProps() {
    return originals;
  }
}
