package dev.runnel.sql.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small JSON client for the SQL server's REST API in tests. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  record Response(int status, JsonNode body, String text) {}

  private Http() {}

  static String body(String ksql, Map<String, String> props) {
    ObjectNode n = JSON.createObjectNode();
    n.put("ksql", ksql);
    ObjectNode p = n.putObject("streamsProperties");
    props.forEach(p::put);
    return n.toString();
  }

  static Response post(String url, String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = CLIENT.send(request(url, path, body), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), parse(r.body()), r.body());
  }

  static Response ksql(String url, String ksql) throws IOException, InterruptedException {
    return post(url, "/ksql", body(ksql, Map.of()));
  }

  static Response query(String url, String ksql, Map<String, String> props) throws IOException, InterruptedException {
    return post(url, "/query", body(ksql, props));
  }

  /** Starts a request and hands back the response as it streams. */
  static HttpResponse<InputStream> stream(String url, String path, String body) throws IOException, InterruptedException {
    return CLIENT.send(request(url, path, body), HttpResponse.BodyHandlers.ofInputStream());
  }

  static Response get(String url, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), parse(r.body()), r.body());
  }

  private static HttpRequest request(String url, String path, String body) {
    return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }
}
