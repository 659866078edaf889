package dev.runnel.connect.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runnel.connect.runtime.State;
import dev.runnel.connect.runtime.StatusListener;
import dev.runnel.connect.runtime.StatusSnapshot;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status topic: each worker writes the states of the connectors and tasks it runs; every
 * worker reads them all, so the REST API answers for the whole cluster from any worker.
 */
final class StatusLog implements StatusListener {
  private static final Logger LOG = LoggerFactory.getLogger(StatusLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;
  private final Producer producer;
  /** "connector/task" -> latest status; task -1 = the connector. */
  private final Map<String, StatusSnapshot> statuses = new HashMap<>();

  StatusLog(String topic, Producer producer) {
    this.topic = topic;
    this.producer = producer;
  }

  @Override
  public void onStatus(String connector, int taskId, StatusSnapshot status) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("connector", connector);
    value.put("task", taskId);
    value.put("state", status.state().name());
    value.put("worker_id", status.workerId());
    value.put("trace", status.trace());
    try {
      byte[] key = (taskId < 0 ? "status-connector-" + connector : "status-task-" + connector + "-" + taskId)
          .getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord(topic, 0, key, JSON.writeValueAsBytes(value), List.of(), 0L));
    } catch (IOException e) {
      throw new IllegalStateException("status not serializable", e);
    }
    synchronized (this) {
      statuses.put(connector + "/" + taskId, status);
    }
  }

  void onRecord(ConsumerRecord record) {
    if (record.value() == null) {
      return;
    }
    try {
      JsonNode value = JSON.readTree(record.value());
      JsonNode trace = value.get("trace");
      StatusSnapshot status = new StatusSnapshot(State.valueOf(value.get("state").asText()),
          value.get("worker_id").asText(), trace == null || trace.isNull() ? null : trace.asText(), record.timestampMs());
      synchronized (this) {
        statuses.put(value.get("connector").asText() + "/" + value.get("task").asInt(), status);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("skipping an unreadable status record in {}: {}", topic, e.toString());
    }
  }

  synchronized StatusSnapshot status(String connector, int taskId) {
    return statuses.get(connector + "/" + taskId);
  }
}
