package dev.runnel.connect.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.connect.ConnectVersion;
import dev.runnel.connect.herder.Herder;
import dev.runnel.connect.herder.HerderException;
import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.runtime.TaskId;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API, mirroring Kafka Connect's paths, bodies and status codes, so its tools and habits
 * carry over. Every error is JSON {@code {"error_code": <http status>, "message": ...}}; no stack
 * trace reaches the client.
 */
public final class RestServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);
  private static final String JSON = "application/json";

  private final Herder herder;
  private final Javalin app;

  public RestServer(Herder herder, String host, int port) {
    this(herder, host, port, () -> "");
  }

  /** With {@code GET /metrics} answering {@code metricsText} (Prometheus text format). */
  public RestServer(Herder herder, String host, int port, java.util.function.Supplier<String> metricsText) {
    this.herder = herder;
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.router.ignoreTrailingSlashes = true;
      config.jetty.host = host;
      config.jetty.port = port;
      var routes = config.routes;
      routes.get("/", this::root);
      routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metricsText.get()));
      routes.get("/connectors", this::listConnectors);
      routes.post("/connectors", this::createConnector);
      routes.get("/connectors/{name}", ctx -> json(ctx, 200, RestJson.info(herder.connectorInfo(name(ctx)))));
      routes.delete("/connectors/{name}", ctx -> {
        herder.deleteConnector(name(ctx));
        ctx.status(204);
      });
      routes.get("/connectors/{name}/config", ctx -> json(ctx, 200, RestJson.MAPPER.valueToTree(
          new java.util.TreeMap<>(herder.connectorConfig(name(ctx))))));
      routes.put("/connectors/{name}/config", this::putConfig);
      routes.get("/connectors/{name}/status", ctx -> json(ctx, 200, RestJson.status(herder.connectorStatus(name(ctx)))));
      routes.get("/connectors/{name}/tasks", ctx -> json(ctx, 200, RestJson.tasks(herder.taskConfigs(name(ctx)))));
      routes.get("/connectors/{name}/tasks/{task}/status", this::taskStatus);
      routes.post("/connectors/{name}/tasks/{task}/restart", ctx -> {
        herder.restartTask(new TaskId(name(ctx), taskNumber(ctx)));
        ctx.status(204);
      });
      routes.post("/connectors/{name}/restart", this::restart);
      routes.put("/connectors/{name}/pause", ctx -> {
        herder.pauseConnector(name(ctx));
        ctx.status(202);
      });
      routes.put("/connectors/{name}/resume", ctx -> {
        herder.resumeConnector(name(ctx));
        ctx.status(202);
      });
      routes.put("/connectors/{name}/stop", ctx -> {
        herder.stopConnector(name(ctx));
        ctx.status(204);
      });
      routes.get("/connectors/{name}/offsets", ctx -> {
        ObjectNode out = RestJson.MAPPER.createObjectNode();
        out.set("offsets", RestJson.MAPPER.valueToTree(herder.offsets(name(ctx))));
        json(ctx, 200, out);
      });
      routes.get("/connector-plugins", this::plugins);
      routes.put("/connector-plugins/{class}/config/validate", this::validate);
      routes.exception(HerderException.class, (e, ctx) -> json(ctx, e.httpStatus(), RestJson.error(e.httpStatus(), e.getMessage())));
      routes.exception(ConfigException.class, (e, ctx) -> json(ctx, 400, RestJson.error(400, e.getMessage())));
      routes.exception(Exception.class, (e, ctx) -> {
        LOG.error("REST {} {} failed", ctx.method(), ctx.path(), e);
        String message = e instanceof ConnectException || e instanceof dev.runnel.sdk.RunnelException
            ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        json(ctx, 500, RestJson.error(500, message));
      });
      routes.error(404, ctx -> {
        // Our own 404s (unknown connector) already carry a JSON error; Javalin's carry text.
        if (ctx.result() == null || !ctx.result().startsWith("{\"error_code\"")) {
          json(ctx, 404, RestJson.error(404, "HTTP 404 Not Found: " + ctx.method() + " " + ctx.path()));
        }
      });
      routes.error(405, ctx -> json(ctx, 405, RestJson.error(405, "HTTP 405 Method Not Allowed: " + ctx.method() + " " + ctx.path())));
    });
  }

  public RestServer start() {
    app.start();
    LOG.info("REST API on port {}", app.port());
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  private void root(Context ctx) {
    ObjectNode out = RestJson.MAPPER.createObjectNode();
    out.put("version", ConnectVersion.get());
    out.put("commit", "runnel");
    out.put("kafka_cluster_id", "runnel");
    out.put("worker_id", herder.workerId());
    json(ctx, 200, out);
  }

  private void listConnectors(Context ctx) {
    var expand = ctx.queryParams("expand");
    if (expand.isEmpty()) {
      json(ctx, 200, RestJson.MAPPER.valueToTree(herder.connectors()));
      return;
    }
    ObjectNode out = RestJson.MAPPER.createObjectNode();
    for (String name : herder.connectors()) {
      ObjectNode one = out.putObject(name);
      try {
        if (expand.contains("status")) {
          one.set("status", RestJson.status(herder.connectorStatus(name)));
        }
        if (expand.contains("info")) {
          one.set("info", RestJson.info(herder.connectorInfo(name)));
        }
      } catch (HerderException e) {
        out.remove(name); // deleted meanwhile
      }
    }
    json(ctx, 200, out);
  }

  private void createConnector(Context ctx) {
    JsonNode body = RestJson.parse(ctx.body());
    JsonNode nameNode = body.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
      throw HerderException.badRequest("Connector name is required: the body needs \"name\" and \"config\"");
    }
    String name = nameNode.asText().trim();
    checkName(name);
    Map<String, String> config = RestJson.stringMap(body.get("config"), "config");
    JsonNode initial = body.get("initial_state");
    String initialState = initial == null || initial.isNull() ? null : initial.asText();
    if (initialState != null && !java.util.Set.of("RUNNING", "PAUSED", "STOPPED").contains(initialState.toUpperCase(java.util.Locale.ROOT))) {
      throw HerderException.badRequest("initial_state must be RUNNING, PAUSED or STOPPED, got " + initialState);
    }
    if ("RUNNING".equalsIgnoreCase(initialState)) {
      initialState = "STARTED";
    }
    Herder.Put put = herder.putConnectorConfig(name, config, false, initialState);
    json(ctx, 201, RestJson.info(put.info()));
  }

  private void putConfig(Context ctx) {
    String name = name(ctx);
    checkName(name);
    Map<String, String> config = RestJson.stringMap(RestJson.parse(ctx.body()), "config");
    Herder.Put put = herder.putConnectorConfig(name, config, true, null);
    json(ctx, put.created() ? 201 : 200, RestJson.info(put.info()));
  }

  private void taskStatus(Context ctx) {
    int task = taskNumber(ctx);
    var status = herder.connectorStatus(name(ctx));
    var snapshot = status.tasks().get(task);
    if (snapshot == null) {
      throw new HerderException(404, "Task " + name(ctx) + "-" + task + " not found");
    }
    ObjectNode out = RestJson.state(snapshot);
    out.put("id", task);
    json(ctx, 200, out);
  }

  private void restart(Context ctx) {
    String name = name(ctx);
    boolean includeTasks = Boolean.parseBoolean(ctx.queryParam("includeTasks"));
    boolean onlyFailed = Boolean.parseBoolean(ctx.queryParam("onlyFailed"));
    herder.restartConnector(name, includeTasks, onlyFailed);
    if (includeTasks || onlyFailed) {
      json(ctx, 202, RestJson.status(herder.connectorStatus(name)));
    } else {
      ctx.status(204);
    }
  }

  private void plugins(Context ctx) {
    ArrayNode out = RestJson.MAPPER.createArrayNode();
    for (PluginDesc desc : herder.connectorPlugins()) {
      ObjectNode node = out.addObject();
      node.put("class", desc.className());
      node.put("type", desc.type().restName());
      node.put("version", desc.version());
    }
    json(ctx, 200, out);
  }

  private void validate(Context ctx) {
    String pluginClass = ctx.pathParam("class");
    Map<String, String> config = new java.util.LinkedHashMap<>(RestJson.stringMap(RestJson.parse(ctx.body()), "config"));
    String declared = config.get("connector.class");
    if (declared == null) {
      config.put("connector.class", pluginClass);
    } else if (!declared.equals(pluginClass) && !declared.endsWith("." + pluginClass) && !pluginClass.endsWith("." + declared)) {
      throw HerderException.badRequest("Included connector type " + declared + " does not match request type " + pluginClass);
    }
    json(ctx, 200, RestJson.validation(herder.validate(config)));
  }

  private static void checkName(String name) {
    if (name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl) || name.contains("/")) {
      throw HerderException.badRequest("Connector name '" + name + "' is invalid: 1-200 printable characters, no '/'");
    }
  }

  private static String name(Context ctx) {
    return ctx.pathParam("name");
  }

  private static int taskNumber(Context ctx) {
    try {
      return Integer.parseInt(ctx.pathParam("task"));
    } catch (NumberFormatException e) {
      throw HerderException.badRequest("task id must be a number, got " + ctx.pathParam("task"));
    }
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ctx.status(HttpStatus.forStatus(status));
    ctx.contentType(JSON);
    ctx.result(RestJson.write(body));
  }
}
