package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import picocli.CommandLine.Option;

/** Where the cluster is and how long to wait for it; mixed into every client command. */
final class ClientOptions {
  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:RUNNEL_BOOTSTRAP:-127.0.0.1:9400}",
      description = "Address of any node (env RUNNEL_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--request-timeout-ms",
      defaultValue = "30000",
      paramLabel = "MS",
      description = "How long one request may take (default: ${DEFAULT-VALUE}).")
  int requestTimeoutMs;

  Admin admin() {
    return Admin.builder().bootstrap(bootstrap).requestTimeoutMs(requestTimeoutMs).build();
  }

  Producer.Builder producer() {
    return Producer.builder().bootstrap(bootstrap).requestTimeoutMs(requestTimeoutMs);
  }

  Consumer.Builder consumer() {
    return Consumer.builder().bootstrap(bootstrap).requestTimeoutMs(requestTimeoutMs);
  }

  GroupConsumer.Builder groupConsumer() {
    return GroupConsumer.builder().bootstrap(bootstrap).requestTimeoutMs(requestTimeoutMs).clientId("runnel-cli");
  }
}
