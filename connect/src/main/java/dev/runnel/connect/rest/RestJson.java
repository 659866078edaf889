package dev.runnel.connect.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.connect.herder.ConfigValidation;
import dev.runnel.connect.herder.ConnectorInfo;
import dev.runnel.connect.herder.ConnectorStatus;
import dev.runnel.connect.herder.HerderException;
import dev.runnel.connect.herder.TaskInfo;
import dev.runnel.connect.runtime.StatusSnapshot;
import dev.runnel.connect.runtime.TaskId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

/** Request parsing and response shapes of the REST API, following Kafka Connect's JSON. */
final class RestJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private RestJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable: " + e.getMessage(), e);
    }
  }

  static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw HerderException.badRequest("Request body is empty; expected JSON");
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw HerderException.badRequest("Request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** A JSON object of string values (numbers and booleans are accepted and turned into text). */
  static Map<String, String> stringMap(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw HerderException.badRequest(what + " must be a JSON object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    var fields = node.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      JsonNode value = field.getValue();
      if (value.isContainerNode()) {
        throw HerderException.badRequest(what + ": the value of '" + field.getKey() + "' must be a string");
      }
      out.put(field.getKey(), value.isNull() ? null : value.asText());
    }
    return out;
  }

  static ObjectNode error(int code, String message) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("error_code", code);
    out.put("message", message);
    return out;
  }

  static ObjectNode info(ConnectorInfo info) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("name", info.name());
    out.set("config", MAPPER.valueToTree(new java.util.TreeMap<>(info.config())));
    ArrayNode tasks = out.putArray("tasks");
    for (TaskId id : info.tasks()) {
      tasks.add(taskId(id));
    }
    out.put("type", info.type());
    return out;
  }

  static ObjectNode taskId(TaskId id) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("connector", id.connector());
    out.put("task", id.task());
    return out;
  }

  static ArrayNode tasks(List<TaskInfo> tasks) {
    ArrayNode out = MAPPER.createArrayNode();
    for (TaskInfo task : tasks) {
      ObjectNode node = out.addObject();
      node.set("id", taskId(task.id()));
      node.set("config", MAPPER.valueToTree(new java.util.TreeMap<>(task.config())));
    }
    return out;
  }

  static ObjectNode status(ConnectorStatus status) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("name", status.name());
    out.set("connector", state(status.connector()));
    ArrayNode tasks = out.putArray("tasks");
    status.tasks().forEach((id, snapshot) -> {
      ObjectNode task = state(snapshot);
      task.put("id", id);
      tasks.add(task);
    });
    out.put("type", status.type());
    return out;
  }

  static ObjectNode state(StatusSnapshot snapshot) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("state", snapshot.state().name());
    out.put("worker_id", snapshot.workerId());
    if (snapshot.trace() != null) {
      out.put("trace", snapshot.trace());
    }
    return out;
  }

  static ObjectNode validation(ConfigValidation validation) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("name", validation.connectorClass());
    out.put("error_count", validation.errorCount());
    out.set("groups", MAPPER.valueToTree(validation.groups()));
    ArrayNode configs = out.putArray("configs");
    for (ConfigValidation.Entry entry : validation.entries()) {
      ObjectNode node = configs.addObject();
      ConfigDef.ConfigKey key = entry.definition();
      if (key != null) {
        ObjectNode definition = node.putObject("definition");
        definition.put("name", entry.value().name());
        definition.put("type", key.type.name());
        definition.put("required", !key.hasDefault());
        definition.put("default_value", key.hasDefault() && key.defaultValue != null
            ? ConfigDef.convertToString(key.defaultValue, key.type) : null);
        definition.put("importance", key.importance == null ? null : key.importance.name());
        definition.put("documentation", key.documentation);
        definition.put("group", key.group);
        definition.put("order", key.orderInGroup);
      } else {
        node.putNull("definition");
      }
      ConfigValue value = entry.value();
      ObjectNode valueNode = node.putObject("value");
      valueNode.put("name", value.name());
      valueNode.put("value", value.value() == null ? null : String.valueOf(value.value()));
      valueNode.set("recommended_values", MAPPER.valueToTree(value.recommendedValues().stream().map(String::valueOf).toList()));
      valueNode.set("errors", MAPPER.valueToTree(value.errorMessages()));
      valueNode.put("visible", value.visible());
    }
    return out;
  }
}
