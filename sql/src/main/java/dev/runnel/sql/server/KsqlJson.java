package dev.runnel.sql.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.sql.StatementResult;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.types.Values;
import java.util.List;

/**
 * Response bodies in the shape of ksqlDB's REST API (entity {@code @type}s, field names, error
 * codes), so its clients and habits carry over. Every listing entity also carries a
 * {@code "table": {"header": [...], "rows": [[...]]}} field, which our CLI prints as is
 * (ksqlDB clients ignore fields they do not know).
 */
final class KsqlJson {
  static final ObjectMapper MAPPER = Values.JSON;
  /** ksqlDB's codes: a request it cannot read, a statement it refuses, a statement for the other endpoint. */
  static final int BAD_REQUEST = 40000;
  static final int BAD_STATEMENT = 40001;
  static final int QUERY_ENDPOINT = 40002;
  static final int TOO_MANY_REQUESTS = 42900;
  static final int SERVER_ERROR = 50000;
  static final int UNAVAILABLE = 50300;

  private KsqlJson() {}

  static ObjectNode statementError(int code, String message, String statementText, ArrayNode entities) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("@type", "statement_error");
    n.put("error_code", code);
    n.put("message", message);
    n.put("statementText", statementText);
    n.set("entities", entities == null ? MAPPER.createArrayNode() : entities);
    return n;
  }

  static ObjectNode error(int code, String message) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("@type", "generic_error");
    n.put("error_code", code);
    n.put("message", message);
    return n;
  }

  /** The answer to a statement that changed something (ksqlDB's {@code currentStatus}). */
  static ObjectNode currentStatus(Statement s, StatementResult.Success success, long commandSequenceNumber) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("@type", "currentStatus");
    n.put("statementText", success.statement());
    n.put("commandId", commandId(s));
    ObjectNode status = n.putObject("commandStatus");
    status.put("status", "SUCCESS");
    status.put("message", success.message());
    status.put("queryId", success.queryId());
    n.put("commandSequenceNumber", commandSequenceNumber);
    n.putArray("warnings");
    return n;
  }

  private static String commandId(Statement s) {
    if (s instanceof Statement.CreateSource c) {
      return c.kind().name().toLowerCase() + "/`" + c.name() + "`/create";
    }
    if (s instanceof Statement.CreateAsSelect c) {
      return c.kind().name().toLowerCase() + "/`" + c.name() + "`/create";
    }
    if (s instanceof Statement.DropSource d) {
      return d.kind().name().toLowerCase() + "/`" + d.name() + "`/drop";
    }
    if (s instanceof Statement.Terminate t) {
      return "terminate/`" + (t.queryId() == null ? "ALL" : t.queryId()) + "`/execute";
    }
    if (s instanceof Statement.InsertInto i) {
      return "stream/`" + i.target() + "`/insert";
    }
    return "statement/`" + s.getClass().getSimpleName() + "`/execute";
  }

  /** SHOW and DESCRIBE results as ksqlDB's typed entities. */
  static ObjectNode listing(Statement s, StatementResult.Listing listing, DataSource described) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("statementText", listing.statement());
    if (s instanceof Statement.Show show) {
      switch (show.what()) {
        case STREAMS, TABLES -> {
          boolean tables = show.what() == Statement.ShowWhat.TABLES;
          n.put("@type", tables ? "tables" : "streams");
          ArrayNode list = n.putArray(tables ? "tables" : "streams");
          for (List<String> r : listing.rows()) {
            ObjectNode o = list.addObject();
            o.put("type", tables ? "TABLE" : "STREAM");
            o.put("name", r.get(0));
            o.put("topic", r.get(1));
            o.put("keyFormat", r.get(2));
            o.put("valueFormat", r.get(3));
            o.put("isWindowed", Boolean.parseBoolean(r.get(4)));
          }
        }
        case QUERIES -> {
          n.put("@type", "queries");
          ArrayNode list = n.putArray("queries");
          for (List<String> r : listing.rows()) {
            ObjectNode o = list.addObject();
            o.put("id", r.get(0));
            o.put("state", r.get(1));
            o.putArray("sinks").add(r.get(2));
            o.putArray("sinkKafkaTopics").add(r.get(3));
            o.put("queryString", r.get(4));
            o.put("queryType", "PERSISTENT");
          }
        }
        case TOPICS -> {
          n.put("@type", "kafka_topics");
          ArrayNode list = n.putArray("topics");
          for (List<String> r : listing.rows()) {
            ObjectNode o = list.addObject();
            o.put("name", r.get(0));
            ArrayNode replicas = o.putArray("replicaInfo");
            for (int p = 0; p < Integer.parseInt(r.get(1)); p++) {
              replicas.add(Integer.parseInt(r.get(2)));
            }
          }
        }
        case PROPERTIES -> {
          n.put("@type", "properties");
          ArrayNode list = n.putArray("properties");
          for (List<String> r : listing.rows()) {
            list.addObject().put("name", r.get(0)).put("value", r.get(1));
          }
        }
        default -> throw new IllegalStateException("unknown SHOW " + show.what());
      }
    } else if (s instanceof Statement.Describe && described != null) {
      n.put("@type", "sourceDescription");
      n.set("sourceDescription", sourceDescription(described));
    } else {
      n.put("@type", "listing");
    }
    n.set("table", table(listing));
    n.putArray("warnings");
    return n;
  }

  private static ObjectNode sourceDescription(DataSource d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", d.name());
    o.put("type", d.isTable() ? "TABLE" : "STREAM");
    ArrayNode fields = o.putArray("fields");
    for (Column c : d.columns()) {
      ObjectNode f = fields.addObject();
      f.put("name", c.name());
      f.putObject("schema").put("type", c.type().toString());
      if (c.key()) {
        f.put("type", "KEY");
      }
    }
    o.put("topic", d.topic());
    o.put("keyFormat", d.keyFormat());
    o.put("valueFormat", d.valueFormat());
    o.put("windowType", d.window() == null ? null : d.window().type().name());
    o.put("partitions", d.partitions());
    o.put("timestamp", d.timestampColumn() == null ? "" : d.timestampColumn());
    o.put("statement", d.sql());
    return o;
  }

  static ObjectNode table(StatementResult.Listing listing) {
    ObjectNode t = MAPPER.createObjectNode();
    ArrayNode header = t.putArray("header");
    listing.header().forEach(header::add);
    ArrayNode rows = t.putArray("rows");
    for (List<String> r : listing.rows()) {
      ArrayNode row = rows.addArray();
      r.forEach(row::add);
    }
    return t;
  }

  /** The header of a push query's response: its id and schema as ksqlDB writes it. */
  static ObjectNode queryHeader(String queryId, List<Column> columns, boolean windowed) {
    StringBuilder schema = new StringBuilder();
    for (Column c : columns) {
      if (schema.length() > 0) {
        schema.append(", ");
      }
      schema.append('`').append(c.name()).append("` ").append(c.type()).append(c.key() ? " KEY" : "");
    }
    if (windowed) {
      schema.append(", `WINDOWSTART` BIGINT, `WINDOWEND` BIGINT");
    }
    ObjectNode n = MAPPER.createObjectNode();
    ObjectNode h = n.putObject("header");
    h.put("queryId", queryId);
    h.put("schema", schema.toString());
    return n;
  }

  /** One row: {@code {"row":{"columns":[...]}}}, plus {@code "tombstone":true} for a deleted key. */
  static ObjectNode row(Row row, List<Column> columns, boolean windowed) {
    ObjectNode n = MAPPER.createObjectNode();
    ObjectNode r = n.putObject("row");
    ArrayNode values = r.putArray("columns");
    for (int i = 0; i < row.values().size(); i++) {
      Object v = row.values().get(i);
      values.add(i < columns.size() ? Values.toJson(v, columns.get(i).type()) : MAPPER.valueToTree(v));
    }
    if (windowed) {
      values.add(row.windowStart());
      values.add(row.windowEnd());
    }
    if (row.tombstone()) {
      r.put("tombstone", true);
    }
    return n;
  }

  static JsonNode finalMessage(String message) {
    return MAPPER.createObjectNode().put("finalMessage", message);
  }
}
