package dev.runnel.node;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * A test network between an SDK client and the nodes: every channel the client opens (pass
 * {@code transport::channel} as its channel factory) goes through this interceptor, which
 * subclasses use to lose, repeat or drop calls and messages.
 */
abstract class InterceptedTransport implements ClientInterceptor, AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();

  synchronized ManagedChannel channel(String address) {
    int colon = address.lastIndexOf(':');
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
            .usePlaintext()
            .intercept(this)
            .build();
    channels.add(channel);
    return channel;
  }

  @Override
  public synchronized void close() {
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
