package dev.runnel.sdk;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One gRPC channel per node address, opened on first use and all closed together. */
final class ChannelPool implements AutoCloseable {
  /** Fetch responses carry whole batches; a large batch must not be refused by the client. */
  static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

  private static final long CLOSE_WAIT_MS = 5_000;

  private final Function<String, ManagedChannel> channelFactory;
  private final Map<String, ManagedChannel> channelsByAddress = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ChannelPool(Function<String, ManagedChannel> channelFactory) {
    this.channelFactory = channelFactory;
  }

  static ManagedChannel netty(String address) {
    return NettyChannelBuilder.forTarget(address)
        .usePlaintext()
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .build();
  }

  ManagedChannel channel(String address) {
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
    return channelsByAddress.computeIfAbsent(address, channelFactory);
  }

  @Override
  public void close() {
    closed = true;
    for (ManagedChannel channel : channelsByAddress.values()) {
      channel.shutdown();
    }
    for (ManagedChannel channel : channelsByAddress.values()) {
      try {
        if (!channel.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    channelsByAddress.clear();
  }
}
