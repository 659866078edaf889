package dev.runnel.sql.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sql.ClusterUnavailableException;
import dev.runnel.sql.PushQuery;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.StatementResult;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.parser.SqlParser;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SQL server: an engine, the service's command topic, and a REST API in the shape of ksqlDB's
 * ({@code POST /ksql}, {@code POST /query}, {@code GET /info}, {@code GET /healthcheck}).
 *
 * <p>Statements that change what the service runs (CREATE, CREATE ... AS SELECT, INSERT INTO ...
 * SELECT, DROP, TERMINATE) are checked here, appended to the command topic, and answered once this
 * server has applied them from the topic, as every server of the service does. SHOW, DESCRIBE and
 * INSERT ... VALUES run here only. Errors are JSON with ksqlDB's codes; no stack trace reaches the
 * client.
 */
public final class SqlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqlServer.class);
  private static final String JSON = "application/json";
  private static final String STREAMS_PREFIX = "ksql.streams.";

  private final SqlServerConfig config;
  private final SqlEngine engine;
  private final CommandLog commands;
  private final Semaphore pushSlots;
  private final PullQueries pull;
  private Javalin app;

  private SqlServer(SqlServerConfig config) {
    this.config = config.validate();
    this.engine = new SqlEngine(config.engine());
    this.commands = new CommandLog(config.engine().bootstrap(), config.engine().serviceId(), engine);
    this.pushSlots = new Semaphore(config.pushQueriesMax());
    this.pull = new PullQueries(engine, config.pullRecordsReadMax());
  }

  /** Replays the command topic (the service's queries start again), then starts serving. */
  public static SqlServer start(SqlServerConfig config) {
    SqlServer server = new SqlServer(config);
    try {
      server.commands.startAndReplay(Duration.ofMillis(config.replayTimeoutMs()));
      server.app = server.createApp().start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    LOG.info("SQL server of service {} on http://{}:{}", config.engine().serviceId(), config.listenHost(), server.port());
    return server;
  }

  public int port() {
    return app.port();
  }

  public String url() {
    return "http://" + config.listenHost() + ":" + port();
  }

  public SqlEngine engine() {
    return engine;
  }

  /** Push queries streaming now. */
  public int activePushQueries() {
    return config.pushQueriesMax() - pushSlots.availablePermits();
  }

  /** How many commands of the command topic this server has applied. */
  public long appliedCommands() {
    return commands.appliedCommands();
  }

  private Javalin createApp() {
    return Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.router.ignoreTrailingSlashes = true;
      c.jetty.host = config.listenHost();
      c.jetty.port = config.listenPort();
      var routes = c.routes;
      routes.post("/ksql", this::ksql);
      routes.post("/query", this::query);
      routes.get("/info", this::info);
      routes.get("/healthcheck", this::healthcheck);
      routes.exception(BadRequest.class, (e, ctx) -> json(ctx, 400, KsqlJson.error(KsqlJson.BAD_REQUEST, e.getMessage())));
      routes.exception(Exception.class, (e, ctx) -> {
        LOG.error("REST {} {} failed", ctx.method(), ctx.path(), e);
        json(ctx, 500, KsqlJson.error(KsqlJson.SERVER_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage()));
      });
      routes.error(404, ctx -> json(ctx, 404, KsqlJson.error(40400, "HTTP 404 Not Found: " + ctx.method() + " " + ctx.path())));
      routes.error(405, ctx -> json(ctx, 405, KsqlJson.error(40500, "HTTP 405 Method Not Allowed: " + ctx.method() + " " + ctx.path())));
    });
  }

  /** A request we cannot read (not JSON, no "ksql" field): 400 with code 40000. */
  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  private record Request(String ksql, Map<String, String> properties) {}

  private static Request request(Context ctx) {
    JsonNode body;
    try {
      body = KsqlJson.MAPPER.readTree(ctx.body());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequest("The body must be JSON like {\"ksql\": \"SHOW STREAMS;\"}: " + e.getOriginalMessage());
    }
    if (body == null || !body.path("ksql").isTextual() || body.get("ksql").asText().isBlank()) {
      throw new BadRequest("The body must have a \"ksql\" field with the statements, e.g. {\"ksql\": \"SHOW STREAMS;\"}");
    }
    Map<String, String> props = new LinkedHashMap<>();
    JsonNode p = body.path("streamsProperties");
    if (p.isObject()) {
      p.fields().forEachRemaining(e -> {
        String name = e.getKey().startsWith(STREAMS_PREFIX) ? e.getKey().substring(STREAMS_PREFIX.length()) : e.getKey();
        props.put(name, e.getValue().asText());
      });
    } else if (!p.isMissingNode() && !p.isNull()) {
      throw new BadRequest("\"streamsProperties\" must be an object");
    }
    return new Request(body.get("ksql").asText(), props);
  }

  private void ksql(Context ctx) {
    Request req = request(ctx);
    List<SqlParser.Parsed> statements;
    try {
      statements = SqlParser.parse(req.ksql());
    } catch (SqlException e) {
      json(ctx, 400, KsqlJson.statementError(KsqlJson.BAD_STATEMENT, e.describe(), req.ksql(), null));
      return;
    }
    ArrayNode entities = KsqlJson.MAPPER.createArrayNode();
    for (SqlParser.Parsed p : statements) {
      try {
        entities.add(run(p, req.properties()));
      } catch (ClusterUnavailableException e) {
        json(ctx, 503, KsqlJson.statementError(KsqlJson.UNAVAILABLE, e.describe(), p.text(), entities));
        return;
      } catch (SqlException e) {
        json(ctx, 400, KsqlJson.statementError(e instanceof EndpointError ? KsqlJson.QUERY_ENDPOINT : KsqlJson.BAD_STATEMENT,
            e.describe(), p.text(), entities));
        return;
      } catch (RunnelException e) {
        json(ctx, 400, KsqlJson.statementError(KsqlJson.BAD_STATEMENT, "The cluster refused: " + e.getMessage(), p.text(), entities));
        return;
      } catch (CommandTimeout e) {
        json(ctx, 503, KsqlJson.statementError(KsqlJson.UNAVAILABLE, e.getMessage(), p.text(), entities));
        return;
      }
    }
    json(ctx, 200, entities);
  }

  /** A statement sent to the wrong endpoint (ksqlDB's 40002). */
  private static final class EndpointError extends SqlException {
    EndpointError(String message, Statement s) {
      super(message, s.pos().line(), s.pos().column());
    }
  }

  private static final class CommandTimeout extends RuntimeException {
    CommandTimeout(String message) {
      super(message);
    }
  }

  private ObjectNode run(SqlParser.Parsed p, Map<String, String> props) {
    Statement s = p.statement();
    if (s instanceof Statement.SelectStatement || s instanceof Statement.Print) {
      throw new EndpointError("SELECT and PRINT stream rows: send them to POST /query", s);
    }
    if (s instanceof Statement.SetProperty || s instanceof Statement.UnsetProperty) {
      throw new EndpointError("SET and UNSET are kept by the client: send properties as \"streamsProperties\" with each"
          + " request (runnel sql --server does)", s);
    }
    if (SqlEngine.changesQueries(s)) {
      engine.validate(p);
      long offset = commands.append(new Command(p.text(), props));
      if (!commands.awaitApplied(offset, Duration.ofMillis(config.commandTimeoutMs()))) {
        throw new CommandTimeout("The statement is recorded (command " + offset + ") but this server did not apply it within "
            + config.commandTimeoutMs() + " ms; it will run when the server catches up");
      }
      CommandLog.Outcome outcome = commands.outcome(offset);
      if (outcome == null) {
        throw new IllegalStateException("no outcome kept for command " + offset);
      }
      if (outcome.error() != null) {
        throw outcome.error();
      }
      return KsqlJson.currentStatus(s, (StatementResult.Success) outcome.result(), offset);
    }
    StatementResult result = engine.execute(p, props);
    if (result instanceof StatementResult.Listing listing) {
      DataSource described = s instanceof Statement.Describe d ? engine.source(d.name()) : null;
      return KsqlJson.listing(s, listing, described);
    }
    return KsqlJson.currentStatus(s, (StatementResult.Success) result, -1);
  }

  private void query(Context ctx) throws IOException {
    Request req = request(ctx);
    SqlParser.Parsed p;
    try {
      p = SqlParser.parseOne(req.ksql());
    } catch (SqlException e) {
      json(ctx, 400, KsqlJson.statementError(KsqlJson.BAD_STATEMENT, e.describe(), req.ksql(), null));
      return;
    }
    Statement s = p.statement();
    if (!(s instanceof Statement.SelectStatement || s instanceof Statement.Print)) {
      json(ctx, 400, KsqlJson.statementError(KsqlJson.QUERY_ENDPOINT,
          "Only SELECT and PRINT go to /query; send other statements to POST /ksql", p.text(), null));
      return;
    }
    if (s instanceof Statement.SelectStatement select && select.query().emit() == null) {
      try {
        json(ctx, 200, pull.run(select));
      } catch (SqlException e) {
        json(ctx, 400, KsqlJson.statementError(KsqlJson.BAD_STATEMENT, e.describe(), p.text(), null));
      }
      return;
    }
    if (!pushSlots.tryAcquire()) {
      json(ctx, 429, KsqlJson.error(KsqlJson.TOO_MANY_REQUESTS, "This server already runs " + config.pushQueriesMax()
          + " push queries (the limit); try again when one ends"));
      return;
    }
    try {
      PushStream stream = new PushStream(config.pushRowsBufferedMax());
      PushQuery q;
      try {
        q = engine.stream(p, req.properties(), stream);
      } catch (SqlException e) {
        json(ctx, 400, KsqlJson.statementError(KsqlJson.BAD_STATEMENT, e.describe(), p.text(), null));
        return;
      }
      ctx.status(200);
      ctx.res().setContentType(JSON);
      // The raw servlet stream: rows must leave as they come, not wait in a compressing buffer.
      boolean complete = stream.writeTo(q, ctx.res().getOutputStream());
      LOG.debug("push query {} {}", q.id(), complete ? "completed" : "ended by the client");
    } finally {
      pushSlots.release();
    }
  }

  private void info(Context ctx) {
    ObjectNode n = KsqlJson.MAPPER.createObjectNode();
    ObjectNode info = n.putObject("KsqlServerInfo");
    String version = SqlServer.class.getPackage().getImplementationVersion();
    info.put("version", version == null ? "dev" : version);
    info.put("kafkaClusterId", clusterId());
    info.put("ksqlServiceId", config.engine().serviceId());
    info.put("serverStatus", "RUNNING");
    info.put("commandTopic", commands.topic());
    json(ctx, 200, n);
  }

  private String clusterId() {
    try (Admin admin = Admin.builder().bootstrap(config.engine().bootstrap()).build()) {
      return admin.describeCluster().getClusterId();
    } catch (RunnelException e) {
      return "unknown";
    }
  }

  private void healthcheck(Context ctx) {
    boolean cluster = !clusterId().equals("unknown");
    boolean commandRunner = commands.healthy();
    ObjectNode n = KsqlJson.MAPPER.createObjectNode();
    n.put("isHealthy", cluster && commandRunner);
    ObjectNode details = n.putObject("details");
    details.putObject("metastore").put("isHealthy", true);
    details.putObject("kafka").put("isHealthy", cluster);
    details.putObject("commandRunner").put("isHealthy", commandRunner);
    json(ctx, cluster && commandRunner ? 200 : 503, n);
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType(JSON);
    ctx.result(body.toString());
  }

  /** Stops serving and the queries of this server (the service's other servers take over their work). */
  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
    commands.close();
    engine.close();
  }
}
