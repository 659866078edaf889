package dev.runnel.node.grpc;

import dev.runnel.node.RunnelError;
import dev.runnel.proto.internal.OpaqueProduceRequest;
import dev.runnel.proto.internal.OpaqueProduceStreamRequest;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.ProduceStreamResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.BiConsumer;

/**
 * One ProduceStream call. Each request goes through the same path as a unary Produce, on the
 * thread that delivers it, so requests reach their partitions in stream order; answers go back
 * tagged with the request's correlation id as soon as each is known, in any order.
 *
 * <p>Answers come from Raft callback threads, so writes to the outgoing stream are synchronized
 * (gRPC stream observers are not thread-safe). The number of unanswered requests is bounded by
 * {@code produce.stream.requests.max}; beyond it a request is answered BUSY at once.
 */
final class ProduceStreamCall implements StreamObserver<OpaqueProduceStreamRequest> {
  private final ServerCallStreamObserver<ProduceStreamResponse> out;
  private final BiConsumer<OpaqueProduceRequest, StreamObserver<ProduceResponse>> produce;
  private final int unansweredMax;
  private int unanswered;
  private boolean halfClosed;
  private boolean ended;

  ProduceStreamCall(
      StreamObserver<ProduceStreamResponse> out,
      BiConsumer<OpaqueProduceRequest, StreamObserver<ProduceResponse>> produce,
      int unansweredMax) {
    this.out = (ServerCallStreamObserver<ProduceStreamResponse>) out;
    this.produce = produce;
    this.unansweredMax = unansweredMax;
    this.out.setOnCancelHandler(this::cancelled);
  }

  @Override
  public void onNext(OpaqueProduceStreamRequest request) {
    long correlationId = request.getCorrelationId();
    synchronized (this) {
      if (ended) {
        return;
      }
      if (unanswered >= unansweredMax) {
        sendError(
            correlationId,
            new RunnelError(
                ErrorReason.BUSY,
                Status.Code.RESOURCE_EXHAUSTED,
                "this stream has " + unanswered + " unanswered requests (produce.stream.requests.max="
                    + unansweredMax + "); wait for answers before sending more"));
        return;
      }
      unanswered++;
    }
    produce.accept(request.getRequest(), new Answer(correlationId));
  }

  @Override
  public void onError(Throwable t) {
    cancelled();
  }

  /** The client sent its last request: end the call once every request has its answer. */
  @Override
  public synchronized void onCompleted() {
    halfClosed = true;
    completeIfDone();
  }

  private synchronized void cancelled() {
    ended = true;
  }

  private synchronized void answered(ProduceStreamResponse response) {
    unanswered--;
    send(response);
    completeIfDone();
  }

  private void sendError(long correlationId, Throwable failure) {
    send(errorResponse(correlationId, failure));
  }

  private static ProduceStreamResponse errorResponse(long correlationId, Throwable failure) {
    StatusRuntimeException status =
        failure instanceof StatusRuntimeException s ? s : GrpcErrors.toStatus(failure);
    com.google.rpc.Status detail = StatusProto.fromThrowable(status);
    if (detail == null) {
      detail =
          com.google.rpc.Status.newBuilder()
              .setCode(status.getStatus().getCode().value())
              .setMessage(String.valueOf(status.getStatus().getDescription()))
              .build();
    }
    return ProduceStreamResponse.newBuilder().setCorrelationId(correlationId).setError(detail).build();
  }

  private void send(ProduceStreamResponse response) {
    if (ended || out.isCancelled()) {
      ended = true;
      return;
    }
    out.onNext(response);
  }

  private void completeIfDone() {
    if (halfClosed && unanswered == 0 && !ended) {
      ended = true;
      out.onCompleted();
    }
  }

  /** Where the unary produce path delivers one request's outcome. */
  private final class Answer implements StreamObserver<ProduceResponse> {
    private final long correlationId;
    private boolean done;

    Answer(long correlationId) {
      this.correlationId = correlationId;
    }

    @Override
    public void onNext(ProduceResponse response) {
      finish(
          ProduceStreamResponse.newBuilder().setCorrelationId(correlationId).setResponse(response).build());
    }

    @Override
    public void onError(Throwable t) {
      finish(errorResponse(correlationId, t));
    }

    @Override
    public void onCompleted() {
      // onNext already answered.
    }

    private void finish(ProduceStreamResponse response) {
      synchronized (ProduceStreamCall.this) {
        if (done) {
          return;
        }
        done = true;
        answered(response);
      }
    }
  }
}
