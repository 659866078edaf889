package dev.runnel.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The SQL server's REST API as the CLI uses it: {@code /ksql} answers at once; {@code /query}
 * elements are handed over one by one as they arrive.
 */
final class SqlRestClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * An answer with a non-2xx status: the server's error body. An IOException, as for the shell it is
   * one more way a request to the server failed.
   */
  static final class ServerError extends IOException {
    final int status;

    ServerError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  SqlRestClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (!this.baseUrl.startsWith("http://") && !this.baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("--server must be a URL like http://127.0.0.1:8088, got '" + baseUrl + "'");
    }
  }

  /** POST /ksql: the array of entities. */
  JsonNode ksql(String statements, Map<String, String> properties) throws IOException, InterruptedException, ServerError {
    HttpResponse<String> r = send(request("/ksql", statements, properties), HttpResponse.BodyHandlers.ofString());
    JsonNode body = parse(r.body());
    if (r.statusCode() / 100 != 2) {
      throw new ServerError(r.statusCode(), message(body, r.body()));
    }
    return body;
  }

  /**
   * POST /query: calls {@code element} with each element of the response array as it arrives,
   * until the array ends or {@code onOpen}'s stream is closed (which is how Ctrl-C cancels).
   */
  void query(String statement, Map<String, String> properties, Consumer<InputStream> onOpen, Consumer<JsonNode> element)
      throws IOException, InterruptedException, ServerError {
    HttpResponse<InputStream> r = send(request("/query", statement, properties), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() / 100 != 2) {
        String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        throw new ServerError(r.statusCode(), message(parse(text), text));
      }
      onOpen.accept(in);
      try (JsonParser p = JSON.getFactory().createParser(in)) {
        if (p.nextToken() != JsonToken.START_ARRAY) {
          throw new IOException("the server's answer is not a JSON array");
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          element.accept(p.readValueAsTree());
        }
      }
    }
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    try {
      return http.send(request, handler);
    } catch (ConnectException e) {
      throw new IOException("cannot reach the SQL server at " + baseUrl + " (is it running?)", e);
    }
  }

  private HttpRequest request(String path, String ksql, Map<String, String> properties) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ksql", ksql);
    ObjectNode props = body.putObject("streamsProperties");
    properties.forEach(props::put);
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static String message(JsonNode body, String text) {
    return body != null && body.hasNonNull("message") ? body.get("message").asText() : text;
  }
}
