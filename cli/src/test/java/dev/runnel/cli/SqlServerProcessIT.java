package dev.runnel.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.loadtest.LocalNode;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/runnel sql-server} process is killed with {@code kill -9} while its
 * aggregation runs and started again: the query comes back from the command topic, its state from
 * the changelog, and the final counts are those of an uninterrupted run (no record lost or
 * counted twice). Runs under failsafe, against the distribution {@code package} built.
 */
class SqlServerProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern URL = Pattern.compile("REST on (http://127\\.0\\.0\\.1:\\d+)");
  private static final int USERS = 5;
  private static final int RECORDS_PER_HALF = 200;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  @TempDir Path dir;

  @Test
  void kill_9_mid_stream_then_restart_gives_the_counts_of_an_uninterrupted_run() throws Exception {
    try (LocalNode node = LocalNode.start(dir.resolve("node"));
        Producer producer = Producer.builder().bootstrap(node.bootstrap()).lingerMs(0).build()) {
      Process first = startServer(node.bootstrap(), "first");
      String url = awaitUrl(first, "first");
      try {
        JsonNode created = post(url, "/ksql", """
            CREATE STREAM visits (user_id VARCHAR, n INT) WITH (kafka_topic='visits', value_format='JSON', partitions=1);
            CREATE TABLE visits_per_user AS SELECT user_id, COUNT(*) AS visits, SUM(n) AS total FROM visits GROUP BY user_id;""");
        assertEquals("SUCCESS", created.at("/1/commandStatus/status").asText(), created.toString());
        produce(producer, 0);
        // Mid-stream: some counts are there, and the kill comes without any warning.
        await().atMost(Duration.ofSeconds(90)).until(() -> !counts(url).isEmpty());
      } finally {
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }

      Process second = startServer(node.bootstrap(), "second");
      try {
        String url2 = awaitUrl(second, "second");
        produce(producer, RECORDS_PER_HALF);
        Map<String, String> expected = new TreeMap<>();
        for (int u = 0; u < USERS; u++) {
          int perUser = 2 * RECORDS_PER_HALF / USERS;
          expected.put("u" + u, perUser + "/" + perUser);
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> counts(url2).equals(expected));
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
        second.destroyForcibly();
      }
    }
  }

  private Process startServer(String bootstrap, String name) throws IOException {
    Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    ProcessBuilder b = new ProcessBuilder(root.resolve("bin/runnel").toString(), "sql-server", "--bootstrap", bootstrap,
        "--listen", "127.0.0.1:0", "--service-id", "crash", "--state-dir", dir.resolve("state").toString())
        .directory(root.toFile())
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    b.environment().remove("RUNNEL_BOOTSTRAP");
    return b.start();
  }

  private String awaitUrl(Process p, String name) {
    String[] url = new String[1];
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      assertTrue(p.isAlive(), () -> name + " exited: " + read(name + ".out") + read(name + ".err"));
      Matcher m = URL.matcher(read(name + ".out"));
      if (m.find()) {
        url[0] = m.group(1);
        return true;
      }
      return false;
    });
    return url[0];
  }

  private String read(String file) {
    Path p = dir.resolve(file);
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + p + ": " + e + ")";
    }
  }

  private static void produce(Producer producer, int from) {
    for (int i = from; i < from + RECORDS_PER_HALF; i++) {
      byte[] value = ("{\"user_id\":\"u" + (i % USERS) + "\",\"n\":1}").getBytes(StandardCharsets.UTF_8);
      producer.sendSync(new ProducerRecord("visits", null, null, value, List.of(), 1_000L + i));
    }
  }

  /** user -> "visits/total" from a pull query. */
  private Map<String, String> counts(String url) throws IOException, InterruptedException {
    Map<String, String> out = new TreeMap<>();
    JsonNode a = post(url, "/query", "SELECT user_id, visits, total FROM visits_per_user;");
    for (int i = 1; i < a.size(); i++) {
      JsonNode c = a.get(i).at("/row/columns");
      out.put(c.get(0).asText(), c.get(1).asText() + "/" + c.get(2).asText());
    }
    return out;
  }

  private JsonNode post(String url, String path, String ksql) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("ksql", ksql);
    body.putObject("streamsProperties").put("auto.offset.reset", "earliest");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }
}
