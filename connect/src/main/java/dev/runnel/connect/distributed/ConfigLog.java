package dev.runnel.connect.distributed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runnel.connect.runtime.TargetState;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configs topic (one partition, compacted): connector configs, target states, task configs
 * and restart requests as JSON records. Any worker writes (a REST request); every worker reads it
 * all, in order, and rebuilds the same {@link ClusterConfig}.
 */
final class ConfigLog {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, String>>> STRING_MAPS = new TypeReference<>() {};
  /** Restart requests kept per connector; older ones were handled long ago. */
  private static final int RESTARTS_KEPT_MAX = 16;

  static final String CONNECTOR = "connector-";
  static final String TARGET = "target-state-";
  static final String TASKS = "tasks-";
  static final String RESTART = "restart-";

  private final String topic;
  private final Producer producer;
  private final Runnable onChange;
  private final Map<String, Map<String, String>> configs = new TreeMap<>();
  private final Map<String, TargetState> targets = new HashMap<>();
  private final Map<String, List<Map<String, String>>> taskConfigs = new HashMap<>();
  private final Map<String, Map<String, String>> taskConfigsFor = new HashMap<>();
  private final Map<String, List<ClusterConfig.Restart>> restarts = new HashMap<>();

  ConfigLog(String topic, Producer producer, Runnable onChange) {
    this.topic = topic;
    this.producer = producer;
    this.onChange = onChange;
  }

  synchronized ClusterConfig snapshot() {
    Map<String, ClusterConfig.Connector> out = new TreeMap<>();
    configs.forEach((name, config) -> out.put(name, new ClusterConfig.Connector(config,
        targets.getOrDefault(name, TargetState.STARTED), taskConfigs.getOrDefault(name, List.of()),
        taskConfigsFor.getOrDefault(name, Map.of()), List.copyOf(restarts.getOrDefault(name, List.of())))));
    return new ClusterConfig(out);
  }

  void onRecord(ConsumerRecord record) {
    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    try {
      JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
      synchronized (this) {
        apply(key, value);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("skipping an unreadable record {} in {}: {}", key, topic, e.toString());
      return;
    }
    onChange.run();
  }

  private void apply(String key, JsonNode value) {
    if (key.startsWith(CONNECTOR)) {
      String name = key.substring(CONNECTOR.length());
      if (value == null) {
        configs.remove(name);
        targets.remove(name);
        taskConfigs.remove(name);
        taskConfigsFor.remove(name);
        restarts.remove(name);
      } else {
        configs.put(name, JSON.convertValue(value.get("properties"), STRING_MAP));
      }
    } else if (key.startsWith(TARGET)) {
      String name = key.substring(TARGET.length());
      if (value == null) {
        targets.remove(name);
      } else {
        targets.put(name, TargetState.valueOf(value.get("state").asText()));
      }
    } else if (key.startsWith(TASKS)) {
      String name = key.substring(TASKS.length());
      if (value == null) {
        taskConfigs.remove(name);
        taskConfigsFor.remove(name);
      } else {
        taskConfigs.put(name, JSON.convertValue(value.get("tasks"), STRING_MAPS));
        taskConfigsFor.put(name, JSON.convertValue(value.get("connector_config"), STRING_MAP));
      }
    } else if (key.startsWith(RESTART) && value != null) {
      String name = value.get("connector").asText();
      List<ClusterConfig.Restart> list = restarts.computeIfAbsent(name, n -> new ArrayList<>());
      list.add(new ClusterConfig.Restart(value.get("id").asText(), value.get("task").asInt(),
          value.get("include_tasks").asBoolean(), value.get("only_failed").asBoolean()));
      if (list.size() > RESTARTS_KEPT_MAX) {
        list.remove(0);
      }
    }
  }

  void putConnectorConfig(String name, Map<String, String> config) {
    write(CONNECTOR + name, Map.of("properties", new TreeMap<>(config)));
  }

  void putTargetState(String name, TargetState target) {
    write(TARGET + name, Map.of("state", target.name()));
  }

  void putTaskConfigs(String name, Map<String, String> connectorConfig, List<Map<String, String>> tasks) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("connector_config", new TreeMap<>(connectorConfig));
    value.put("tasks", tasks);
    write(TASKS + name, value);
  }

  void requestRestart(String name, int task, boolean includeTasks, boolean onlyFailed) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("connector", name);
    value.put("id", java.util.UUID.randomUUID().toString());
    value.put("task", task);
    value.put("include_tasks", includeTasks);
    value.put("only_failed", onlyFailed);
    // One key per connector: compaction keeps the latest request, which is all that matters.
    write(RESTART + name, value);
  }

  void deleteConnector(String name) {
    write(TARGET + name, null);
    write(TASKS + name, null);
    write(CONNECTOR + name, null);
  }

  private void write(String key, Object value) {
    try {
      byte[] bytes = value == null ? null : JSON.writeValueAsBytes(value);
      producer.sendSync(new ProducerRecord(topic, 0, key.getBytes(StandardCharsets.UTF_8), bytes, List.of(), 0L));
    } catch (IOException e) {
      throw new IllegalStateException("config record not serializable", e);
    } catch (RuntimeException e) {
      throw new ConnectException("could not write to the configs topic " + topic + ": " + e.getMessage(), e);
    }
  }
}
