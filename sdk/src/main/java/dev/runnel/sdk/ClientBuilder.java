package dev.runnel.sdk;

import io.grpc.ManagedChannel;
import java.util.function.Function;

/**
 * The settings a Producer and a Consumer share: where to connect, how long one request may take
 * and how failed requests are retried. Each is checked against its bound by {@link
 * #connection()}.
 */
abstract class ClientBuilder<B extends ClientBuilder<B>> {
  private String bootstrap = "127.0.0.1:9400";
  private int requestTimeoutMs = 30_000;
  /** With the 1 s backoff cap, 20 retries span about 17 s: several elections' worth. */
  private int retries = 20;
  private int retryBackoffMs = 100;
  private Function<String, ManagedChannel> channelFactory = ChannelPool::netty;

  abstract B self();

  /** A node to start from, {@code host:port}. */
  public B bootstrap(String hostPort) {
    this.bootstrap = hostPort;
    return self();
  }

  public B requestTimeoutMs(int requestTimeoutMs) {
    this.requestTimeoutMs = requestTimeoutMs;
    return self();
  }

  /** How often a request that failed with a retriable error is tried again. */
  public B retries(int retries) {
    this.retries = retries;
    return self();
  }

  /** The first retry's delay; it doubles per attempt (capped). */
  public B retryBackoffMs(int retryBackoffMs) {
    this.retryBackoffMs = retryBackoffMs;
    return self();
  }

  /**
   * How a channel to a node's address ({@code host:port}) is opened; default: plaintext Netty.
   * Supply one for TLS, interceptors, or an in-process transport in tests. The client shuts the
   * channels down when it closes.
   */
  public B channelFactory(Function<String, ManagedChannel> channelFactory) {
    this.channelFactory = channelFactory;
    return self();
  }

  Function<String, ManagedChannel> channelFactory() {
    return channelFactory;
  }

  ConnectionSettings connection() {
    ConfigBounds.hostPort("bootstrap", bootstrap);
    ConfigBounds.check("requestTimeoutMs", requestTimeoutMs, 1, 600_000);
    ConfigBounds.check("retries", retries, 0, 1_000);
    ConfigBounds.check("retryBackoffMs", retryBackoffMs, 0, 60_000);
    return new ConnectionSettings(bootstrap, requestTimeoutMs, retries, retryBackoffMs);
  }
}
