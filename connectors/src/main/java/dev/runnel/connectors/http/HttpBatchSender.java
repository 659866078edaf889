package dev.runnel.connectors.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSTs one body, retrying temporary failures per the {@link RetryPolicy}. */
final class HttpBatchSender {
  private static final Logger log = LoggerFactory.getLogger(HttpBatchSender.class);
  /** How much of an error answer goes into the task's error message. */
  private static final int ERROR_BODY_CHARS_MAX = 500;

  private final HttpClient client;
  private final URI url;
  private final Map<String, String> headers;
  private final RetryPolicy retryPolicy;
  private final Duration requestTimeout;

  HttpBatchSender(URI url, Map<String, String> headers, RetryPolicy retryPolicy, int connectTimeoutMs, int requestTimeoutMs) {
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMs)).build();
    this.url = url;
    this.headers = headers;
    this.retryPolicy = retryPolicy;
    this.requestTimeout = Duration.ofMillis(requestTimeoutMs);
  }

  /** Returns once the server accepted the body (2xx); throws a ConnectException when it never did. */
  void send(byte[] body, int records) throws InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(requestTimeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if ("http".equalsIgnoreCase(url.getScheme())) {
      // Over plain http the client would otherwise ask every server to upgrade to h2c, which
      // few support and some mishandle; https negotiates HTTP/2 safely through ALPN.
      request.version(HttpClient.Version.HTTP_1_1);
    }
    if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    String lastFailure = null;
    for (int attempt = 0; attempt <= retryPolicy.retryMax(); attempt++) {
      if (attempt > 0) {
        long waitMs = retryPolicy.backoffMs(attempt);
        log.warn("POST of {} records to {} failed ({}); retry {}/{} in {} ms",
            records, url, lastFailure, attempt, retryPolicy.retryMax(), waitMs);
        Thread.sleep(waitMs);
      }
      try {
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        switch (RetryPolicy.classify(response.statusCode())) {
          case SUCCESS -> {
            return;
          }
          case FAIL -> throw new ConnectException("POST of " + records + " records to " + url + " was refused: HTTP "
              + response.statusCode() + " " + abbreviate(response.body()));
          case RETRY -> lastFailure = "HTTP " + response.statusCode() + " " + abbreviate(response.body());
          default -> throw new IllegalStateException();
        }
      } catch (IOException e) {
        lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
    }
    throw new ConnectException("POST of " + records + " records to " + url + " failed " + (retryPolicy.retryMax() + 1)
        + " times; last: " + lastFailure);
  }

  private static String abbreviate(String body) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
    return flat.length() <= ERROR_BODY_CHARS_MAX ? flat : flat.substring(0, ERROR_BODY_CHARS_MAX) + "...";
  }
}
