package dev.runnel.node.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.runnel.node.RunnelError;
import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.storage.CorruptBatchException;
import dev.runnel.storage.OffsetOutOfRangeException;
import dev.runnel.storage.OutOfOrderSequenceException;
import dev.runnel.storage.ProducerFencedException;
import dev.runnel.storage.StorageFullException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses: code, a message that starts with the reason,
 * and a google.rpc.ErrorInfo detail (reason + metadata) that clients in any language can read.
 * Unexpected exceptions become INTERNAL_ERROR and are logged with their stack trace here, never
 * sent to the client.
 */
public final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  public static StatusRuntimeException toStatus(Throwable failure) {
    RunnelError error = classify(unwrap(failure));
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(error.code().value())
            .setMessage(error.reason().name() + ": " + error.getMessage())
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(error.reason().name())
                        .setDomain(Errors.DOMAIN)
                        .putAllMetadata(error.metadata())
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** Maps any failure to the typed error it stands for. */
  public static RunnelError classify(Throwable t) {
    if (t instanceof RunnelError e) {
      return e;
    }
    if (t instanceof OffsetOutOfRangeException e) {
      return new RunnelError(
          ErrorReason.OFFSET_OUT_OF_RANGE,
          Status.Code.OUT_OF_RANGE,
          "offset "
              + e.getOffset()
              + " is outside the log: valid offsets are "
              + e.getLogStartOffset()
              + ".."
              + e.getNextOffset()
              + " (log start offset .. high watermark)",
          Map.of(
              Errors.LOG_START_OFFSET, Long.toString(e.getLogStartOffset()),
              Errors.HIGH_WATERMARK, Long.toString(e.getNextOffset())));
    }
    if (t instanceof CorruptBatchException e) {
      return new RunnelError(ErrorReason.CORRUPT_BATCH, Status.Code.DATA_LOSS, e.getMessage());
    }
    if (t instanceof OutOfOrderSequenceException e) {
      return new RunnelError(
          ErrorReason.OUT_OF_ORDER_SEQUENCE, Status.Code.FAILED_PRECONDITION, e.getMessage());
    }
    if (t instanceof ProducerFencedException e) {
      return new RunnelError(ErrorReason.PRODUCER_FENCED, Status.Code.FAILED_PRECONDITION, e.getMessage());
    }
    if (t instanceof StorageFullException e) {
      return new RunnelError(
          ErrorReason.STORAGE_FULL, Status.Code.RESOURCE_EXHAUSTED, e.getMessage());
    }
    if (t instanceof StateMachineException e && e.getCause() != null) {
      return classify(unwrap(e.getCause()));
    }
    // Leadership is moving (an election, or a transfer to the preferred leader): retriable.
    if (t instanceof NotLeaderException
        || t instanceof LeaderNotReadyException
        || t instanceof LeaderSteppingDownException
        || t instanceof TransferLeadershipException) {
      return new RunnelError(
          ErrorReason.NOT_LEADER,
          Status.Code.UNAVAILABLE,
          "this node does not lead the partition right now (election in progress?); retry");
    }
    if (t instanceof ServerNotReadyException || t instanceof ResourceUnavailableException) {
      return RunnelError.unavailable("the partition is not ready on this node right now; retry");
    }
    if (t instanceof AlreadyClosedException) {
      return RunnelError.unavailable("the node is shutting down; retry on another node");
    }
    // A call through a Raft client (the controller's) that found no leader within its retries:
    // an election outlasted them, which is transient like the NOT_LEADER above.
    if (t instanceof RaftRetryFailureException) {
      return RunnelError.unavailable("no leader answered within the retries (election in progress?); retry");
    }
    if (t instanceof TimeoutException) {
      return new RunnelError(
          ErrorReason.REQUEST_TIMED_OUT,
          Status.Code.DEADLINE_EXCEEDED,
          "the request was not committed in time; it may or may not have been applied");
    }
    LOG.error("unexpected failure", t);
    return new RunnelError(
        ErrorReason.INTERNAL_ERROR,
        Status.Code.INTERNAL,
        "internal error (" + t.getClass().getSimpleName() + "); see the node's log");
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
