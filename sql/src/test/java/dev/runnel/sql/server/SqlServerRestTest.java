package dev.runnel.sql.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.loadtest.LocalNode;
import dev.runnel.sql.SqlConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST contract of the SQL server, endpoint by endpoint, against a real node. */
class SqlServerRestTest {
  private static final Map<String, String> EARLIEST = Map.of("ksql.streams.auto.offset.reset", "earliest");
  @TempDir static Path dir;
  static LocalNode node;
  static SqlServer server;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
    SqlConfig engine = SqlConfig.defaults(node.bootstrap(), dir.resolve("state")).withServiceId("rest");
    server = SqlServer.start(SqlServerConfig.defaults(engine, "127.0.0.1", 0));
    url = server.url();
    Http.Response r = Http.ksql(url, """
        CREATE STREAM orders (id VARCHAR KEY, item STRING, qty INT)
          WITH (kafka_topic='rest_orders', value_format='JSON', partitions=2);
        INSERT INTO orders (id, item, qty) VALUES ('o1', 'apple', 3);
        INSERT INTO orders (id, item, qty) VALUES ('o2', 'pear', 1);
        INSERT INTO orders (id, item, qty) VALUES ('o3', 'apple', 10);
        """);
    assertEquals(200, r.status(), r.text());
  }

  @AfterAll
  static void stop() {
    server.close();
    node.close();
  }

  @Test
  void info_and_healthcheck() throws Exception {
    Http.Response info = Http.get(url, "/info");
    assertEquals(200, info.status(), info.text());
    assertEquals("rest", info.body().at("/KsqlServerInfo/ksqlServiceId").asText());
    assertEquals("RUNNING", info.body().at("/KsqlServerInfo/serverStatus").asText());
    Http.Response health = Http.get(url, "/healthcheck");
    assertEquals(200, health.status(), health.text());
    assertTrue(health.body().get("isHealthy").asBoolean(), health.text());
    assertTrue(health.body().at("/details/commandRunner/isHealthy").asBoolean(), health.text());
  }

  @Test
  void ddl_answers_current_status_with_its_command_number() throws Exception {
    Http.Response r = Http.ksql(url, "CREATE STREAM ddl_s (a INT) WITH (kafka_topic='rest_ddl_s', partitions=1);");
    assertEquals(200, r.status(), r.text());
    JsonNode e = r.body().get(0);
    assertEquals("currentStatus", e.get("@type").asText());
    assertEquals("SUCCESS", e.at("/commandStatus/status").asText());
    assertEquals("stream/`DDL_S`/create", e.get("commandId").asText());
    assertTrue(e.get("commandSequenceNumber").asLong() >= 0, r.text());
  }

  @Test
  void show_and_describe_give_typed_entities() throws Exception {
    Http.Response r = Http.ksql(url, "SHOW STREAMS; DESCRIBE orders;");
    assertEquals(200, r.status(), r.text());
    JsonNode streams = r.body().get(0);
    assertEquals("streams", streams.get("@type").asText());
    assertTrue(streams.get("streams").findValuesAsText("name").contains("ORDERS"), r.text());
    JsonNode describe = r.body().get(1);
    assertEquals("sourceDescription", describe.get("@type").asText());
    assertEquals("rest_orders", describe.at("/sourceDescription/topic").asText());
    assertEquals("ID", describe.at("/sourceDescription/fields/0/name").asText());
    assertEquals("KEY", describe.at("/sourceDescription/fields/0/type").asText());
    assertEquals("Field", describe.at("/table/header/0").asText());
  }

  @Test
  void a_bad_statement_is_400_with_code_and_position() throws Exception {
    Http.Response syntax = Http.ksql(url, "SHOW STREAMS;\nSELEC x FROM y;");
    assertEquals(400, syntax.status(), syntax.text());
    assertEquals("statement_error", syntax.body().get("@type").asText());
    assertEquals(40001, syntax.body().get("error_code").asInt());
    assertTrue(syntax.body().get("message").asText().startsWith("line 2:1: Syntax error"), syntax.text());

    Http.Response unknown = Http.ksql(url, "DESCRIBE nope;");
    assertEquals(400, unknown.status(), unknown.text());
    assertEquals(40001, unknown.body().get("error_code").asInt());
    assertEquals("line 1:1: Unknown stream or table 'NOPE'", unknown.body().get("message").asText());
    assertEquals("DESCRIBE nope;", unknown.body().get("statementText").asText());

    Http.Response select = Http.ksql(url, "SELECT * FROM orders EMIT CHANGES;");
    assertEquals(400, select.status(), select.text());
    assertEquals(40002, select.body().get("error_code").asInt());

    Http.Response notJson = Http.post(url, "/ksql", "SHOW STREAMS;");
    assertEquals(400, notJson.status(), notJson.text());
    assertEquals(40000, notJson.body().get("error_code").asInt());

    Http.Response unknownStream = Http.query(url, "SELECT * FROM nope EMIT CHANGES;", Map.of());
    assertEquals(400, unknownStream.status(), unknownStream.text());
    assertTrue(unknownStream.body().get("message").asText().contains("Unknown stream or table 'NOPE'"), unknownStream.text());
  }

  @Test
  void a_push_query_streams_rows_and_ends_at_its_limit() throws Exception {
    Http.Response r = Http.query(url, "SELECT id, qty * 2 AS doubled FROM orders WHERE item = 'apple' EMIT CHANGES LIMIT 2;",
        EARLIEST);
    assertEquals(200, r.status(), r.text());
    JsonNode a = r.body();
    assertEquals(4, a.size(), r.text());
    assertEquals("`ID` STRING, `DOUBLED` INTEGER", a.at("/0/header/schema").asText(), r.text());
    java.util.Set<String> rows = new java.util.TreeSet<>();
    rows.add(a.at("/1/row/columns").toString());
    rows.add(a.at("/2/row/columns").toString());
    assertEquals(java.util.Set.of("[\"o1\",6]", "[\"o3\",20]"), rows, r.text());
    assertEquals("Limit Reached", a.at("/3/finalMessage").asText());
    await().atMost(Duration.ofSeconds(30)).until(() -> server.activePushQueries() == 0);
  }

  @Test
  void a_client_that_disconnects_stops_its_push_query() throws Exception {
    HttpResponse<InputStream> r = Http.stream(url, "/query", Http.body("SELECT * FROM orders EMIT CHANGES;", EARLIEST));
    assertEquals(200, r.statusCode());
    BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    assertTrue(lines.readLine().startsWith("[{\"header\""));
    assertTrue(lines.readLine().startsWith("{\"row\""));
    assertEquals(1, server.activePushQueries());
    r.body().close();
    await().atMost(Duration.ofSeconds(60)).until(() -> server.activePushQueries() == 0);
  }

  @Test
  void a_pull_query_returns_the_current_row_of_a_key() throws Exception {
    Http.Response created = Http.post(url, "/ksql", Http.body(
        "CREATE TABLE qty_by_item AS SELECT item, SUM(qty) AS total FROM orders GROUP BY item;", EARLIEST));
    assertEquals(200, created.status(), created.text());
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Http.Response pull = Http.query(url, "SELECT item, total FROM qty_by_item WHERE item = 'apple';", Map.of());
      return pull.status() == 200 && pull.body().size() == 2 && pull.body().at("/1/row/columns/1").asInt() == 13;
    });
    Http.Response pull = Http.query(url, "SELECT * FROM qty_by_item WHERE item = 'apple';", Map.of());
    assertEquals("`ITEM` STRING, `TOTAL` INTEGER", pull.body().at("/0/header/schema").asText(), pull.text());
    assertEquals("[\"apple\",13]", pull.body().at("/1/row/columns").toString(), pull.text());

    Http.Response onStream = Http.query(url, "SELECT * FROM orders WHERE id = 'o1';", Map.of());
    assertEquals(400, onStream.status(), onStream.text());
    assertTrue(onStream.body().get("message").asText().contains("ORDERS is a stream: add EMIT CHANGES"), onStream.text());
  }
}
