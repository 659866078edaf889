package dev.runnel.sdk;

import dev.runnel.proto.internal.OpaqueProduceRequest;
import dev.runnel.proto.internal.OpaqueProduceStreamRequest;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.ProduceStreamResponse;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The producer's pipelined connections: one ProduceStream per node, opened on first use, with
 * many requests in flight on it. The node hands a stream's requests to their partitions in the
 * order they were sent, which is what lets a producer keep several batches of one partition in
 * flight without reordering them.
 *
 * <p>A request not answered within its timeout fails with DEADLINE_EXCEEDED and takes its whole
 * stream down with it (every other request on it fails as UNAVAILABLE and is retried by the
 * sender): a stream that stopped answering one request is not trusted with the next. Likewise
 * a broken stream fails everything it carried; the next send opens a new one.
 *
 * <p>Requests go out in the "opaque" view of ProduceStreamRequest (wire.proto): the same bytes on
 * the wire, but a batch's records are the RecordSet bytes the producer serialized them into, sent
 * as they are instead of being rebuilt as messages.
 */
final class ProduceStreams implements AutoCloseable {
  static final MethodDescriptor<OpaqueProduceStreamRequest, ProduceStreamResponse> PRODUCE_STREAM =
      BrokerGrpc.getProduceStreamMethod()
          .toBuilder(
              ProtoUtils.marshaller(OpaqueProduceStreamRequest.getDefaultInstance()),
              ProtoUtils.marshaller(ProduceStreamResponse.getDefaultInstance()))
          .build();

  private final ChannelPool channels;
  private final Map<String, NodeStream> streamsByAddress = new HashMap<>();
  private final ScheduledExecutorService timeouts;

  ProduceStreams(ChannelPool channels) {
    this.channels = channels;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "runnel-producer-timeouts");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.timeouts = executor;
  }

  /** Sends {@code request} to the node at {@code address}; {@code answer} gets its outcome once. */
  void send(String address, OpaqueProduceRequest request, long timeoutMs, StreamObserver<ProduceResponse> answer) {
    NodeStream stream;
    synchronized (this) {
      stream = streamsByAddress.get(address);
      if (stream == null || stream.broken()) {
        stream = new NodeStream(address);
        streamsByAddress.put(address, stream);
      }
    }
    stream.send(request, timeoutMs, answer);
  }

  /** Ends every stream; called once nothing is in flight any more. */
  @Override
  public synchronized void close() {
    for (NodeStream stream : streamsByAddress.values()) {
      stream.halfClose();
    }
    streamsByAddress.clear();
    timeouts.shutdownNow();
  }

  private synchronized void forget(NodeStream stream) {
    streamsByAddress.remove(stream.address, stream);
  }

  /** One ProduceStream call and the requests waiting for their answers on it. */
  private final class NodeStream implements ClientResponseObserver<OpaqueProduceStreamRequest, ProduceStreamResponse> {
    private final String address;
    private final StreamObserver<OpaqueProduceStreamRequest> requests;
    private final Map<Long, Pending> pending = new HashMap<>();
    private ClientCallStreamObserver<OpaqueProduceStreamRequest> call;
    private long nextCorrelationId;
    private boolean broken;

    NodeStream(String address) {
      this.address = address;
      this.requests =
          ClientCalls.asyncBidiStreamingCall(
              channels.channel(address).newCall(PRODUCE_STREAM, CallOptions.DEFAULT), this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<OpaqueProduceStreamRequest> call) {
      this.call = call;
    }

    synchronized boolean broken() {
      return broken;
    }

    void send(OpaqueProduceRequest request, long timeoutMs, StreamObserver<ProduceResponse> answer) {
      long correlationId;
      synchronized (this) {
        if (broken) {
          answer.onError(unavailable("the stream to " + address + " broke before the request was sent"));
          return;
        }
        correlationId = nextCorrelationId++;
        ScheduledFuture<?> timeout =
            timeouts.schedule(() -> timedOut(correlationId, timeoutMs), timeoutMs, TimeUnit.MILLISECONDS);
        pending.put(correlationId, new Pending(answer, timeout));
        try {
          requests.onNext(
              OpaqueProduceStreamRequest.newBuilder().setCorrelationId(correlationId).setRequest(request).build());
          return;
        } catch (RuntimeException e) {
          broken = true;
        }
      }
      breakDown(unavailable("could not send to " + address));
    }

    @Override
    public void onNext(ProduceStreamResponse response) {
      Pending answered;
      synchronized (this) {
        answered = pending.remove(response.getCorrelationId());
      }
      if (answered == null) {
        return; // it timed out already and was failed then
      }
      answered.timeout.cancel(false);
      if (response.hasError()) {
        answered.answer.onError(StatusProto.toStatusRuntimeException(response.getError()));
      } else {
        answered.answer.onNext(response.getResponse());
      }
    }

    /**
     * The stream failed as a whole (connection lost, node stopped): whether its unanswered
     * requests were written is unknown, so they fail as retriable.
     */
    @Override
    public void onError(Throwable t) {
      breakDown(unavailable("the produce stream to " + address + " failed: " + t.getMessage()));
    }

    @Override
    public void onCompleted() {
      breakDown(unavailable("the node at " + address + " ended the produce stream"));
    }

    private void timedOut(long correlationId, long timeoutMs) {
      Pending expired;
      synchronized (this) {
        expired = pending.remove(correlationId);
      }
      if (expired == null) {
        return;
      }
      expired.answer.onError(
          RunnelException.local(
              ErrorReason.REQUEST_TIMED_OUT,
              Status.Code.DEADLINE_EXCEEDED,
              "no answer from " + address + " within " + timeoutMs + " ms"));
      breakDown(unavailable("a request on the stream to " + address + " timed out"));
    }

    void halfClose() {
      synchronized (this) {
        if (broken) {
          return;
        }
        broken = true;
      }
      try {
        requests.onCompleted();
      } catch (RuntimeException e) {
        // Already failed: nothing to end.
      }
    }

    /** Fails every unanswered request with {@code cause} and retires the stream. */
    private void breakDown(RunnelException cause) {
      List<Pending> failed;
      synchronized (this) {
        broken = true;
        failed = new ArrayList<>(pending.values());
        pending.clear();
      }
      forget(this);
      if (call != null) {
        call.cancel("produce stream retired", null);
      }
      for (Pending p : failed) {
        p.timeout.cancel(false);
        p.answer.onError(cause);
      }
    }
  }

  private static RunnelException unavailable(String message) {
    return RunnelException.local(ErrorReason.NODE_UNAVAILABLE, Status.Code.UNAVAILABLE, message);
  }

  private record Pending(StreamObserver<ProduceResponse> answer, ScheduledFuture<?> timeout) {}
}
