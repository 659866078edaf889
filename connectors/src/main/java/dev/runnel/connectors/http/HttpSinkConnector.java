package dev.runnel.connectors.http;

import dev.runnel.connectors.CheckedSinkConnector;

/** POSTs record values to an HTTP endpoint as batched JSON arrays, with retries. */
public class HttpSinkConnector extends CheckedSinkConnector {
  public HttpSinkConnector() {
    super(HttpSinkConfig.DEFINITION, HttpSinkConfig::problems, HttpSinkTask.class);
  }
}
