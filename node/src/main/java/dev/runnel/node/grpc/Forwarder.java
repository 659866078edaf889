package dev.runnel.node.grpc;

import dev.runnel.node.RunnelError;
import dev.runnel.proto.internal.NodeRecord;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Forwards a call this node cannot serve (it does not lead, or does not host, the partition) to
 * the node that can, so a plain gRPC client pointed at any node works. One hop only: a call that
 * was already forwarded is answered with NOT_LEADER instead, so a stale view on two nodes can
 * never bounce a request around.
 */
public final class Forwarder implements AutoCloseable {
  static final Metadata.Key<String> FORWARDED_BY =
      Metadata.Key.of("runnel-forwarded-by", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> FORWARDED = Context.key("runnel-forwarded-by");
  private static final long DEADLINE_DEFAULT_MS = 30_000;

  private final int selfId;
  private final IntFunction<NodeRecord> nodes;
  private final int inboundBytesMax;
  private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();

  public Forwarder(int selfId, IntFunction<NodeRecord> nodes, int inboundBytesMax) {
    this.selfId = selfId;
    this.nodes = nodes;
    this.inboundBytesMax = inboundBytesMax;
  }

  /** Puts the caller's "forwarded by" header into the call's context, where handlers see it. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String by = headers.get(FORWARDED_BY);
        return by == null
            ? next.startCall(call, headers)
            : Contexts.interceptCall(Context.current().withValue(FORWARDED, by), call, headers, next);
      }
    };
  }

  /** True when the current call came from another node. */
  static boolean isForwarded() {
    return FORWARDED.get() != null;
  }

  /**
   * Sends {@code request} to node {@code target} and relays its answer (or error, with its
   * details) to {@code response}. Throws NOT_LEADER when forwarding is not possible.
   */
  <Q, R> void unary(
      MethodDescriptor<Q, R> method,
      Q request,
      int target,
      RunnelError notLeader,
      StreamObserver<R> response) {
    if (target < 0 || target == selfId || isForwarded()) {
      throw notLeader;
    }
    NodeRecord node = nodes.apply(target);
    if (node == null) {
      throw notLeader;
    }
    Metadata headers = new Metadata();
    headers.put(FORWARDED_BY, Integer.toString(selfId));
    Deadline deadline = Context.current().getDeadline();
    CallOptions options =
        deadline != null
            ? CallOptions.DEFAULT.withDeadline(deadline)
            : CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_DEFAULT_MS, TimeUnit.MILLISECONDS);
    var channel =
        io.grpc.ClientInterceptors.intercept(
            channels.computeIfAbsent(target, id -> open(node)),
            MetadataUtils.newAttachHeadersInterceptor(headers));
    ClientCalls.asyncUnaryCall(channel.newCall(method, options), request, response);
  }

  /**
   * Asks node {@code target} directly (not a forward of the current call), completing with its
   * answer or failing after {@code timeoutMs}.
   */
  <Q, R> CompletableFuture<R> ask(MethodDescriptor<Q, R> method, Q request, int target, long timeoutMs) {
    return ask(method, request, target, timeoutMs, new Metadata());
  }

  /**
   * As {@link #ask}, marked as forwarded: the target answers for itself only (e.g. ListGroups
   * with the groups it coordinates) instead of asking others in turn.
   */
  <Q, R> CompletableFuture<R> askForwarded(MethodDescriptor<Q, R> method, Q request, int target, long timeoutMs) {
    Metadata headers = new Metadata();
    headers.put(FORWARDED_BY, Integer.toString(selfId));
    return ask(method, request, target, timeoutMs, headers);
  }

  private <Q, R> CompletableFuture<R> ask(
      MethodDescriptor<Q, R> method, Q request, int target, long timeoutMs, Metadata headers) {
    NodeRecord node = nodes.apply(target);
    if (node == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("unknown node " + target));
    }
    CompletableFuture<R> answer = new CompletableFuture<>();
    // A fresh context: the ask must not inherit (and die with) the current call's cancellation.
    Context.ROOT.run(
        () ->
            ClientCalls.asyncUnaryCall(
                io.grpc.ClientInterceptors.intercept(
                        channels.computeIfAbsent(target, id -> open(node)),
                        MetadataUtils.newAttachHeadersInterceptor(headers))
                    .newCall(method, CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)),
                request,
                new StreamObserver<R>() {
                  @Override
                  public void onNext(R value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                }));
    return answer;
  }

  private ManagedChannel open(NodeRecord node) {
    return NettyChannelBuilder.forAddress(node.getHost(), node.getGrpcPort())
        .usePlaintext()
        .maxInboundMessageSize(inboundBytesMax)
        .build();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
