package dev.runnel.sdk;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A failed Runnel call: the gRPC status code, the Runnel {@link ErrorReason} and the metadata the
 * node attached (e.g. {@code log_start_offset} and {@code high_watermark} for {@code
 * OFFSET_OUT_OF_RANGE}). The message alone is meant to be enough for a user to act on.
 */
public final class RunnelException extends RuntimeException {
  private final ErrorReason reason;
  private final Status.Code code;
  private final Map<String, String> metadata;

  RunnelException(
      ErrorReason reason, Status.Code code, Map<String, String> metadata, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.code = code;
    this.metadata = Map.copyOf(metadata);
  }

  /** An error the SDK detects itself, without a call to a node. */
  static RunnelException local(ErrorReason reason, Status.Code code, String message) {
    return new RunnelException(reason, code, Map.of(), message, null);
  }

  public ErrorReason reason() {
    return reason;
  }

  public Status.Code code() {
    return code;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** True when the same call may succeed if repeated (the node was busy, moving or not reached). */
  public boolean retriable() {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED
        || reason == ErrorReason.NOT_LEADER
        || reason == ErrorReason.NODE_UNAVAILABLE
        || reason == ErrorReason.REQUEST_TIMED_OUT
        || reason == ErrorReason.BUSY;
  }

  /**
   * Maps a failure of a gRPC call (possibly wrapped by a future) to a RunnelException, reading the
   * reason and metadata from the {@code google.rpc.ErrorInfo} detail when the node sent one.
   */
  public static RunnelException from(Throwable grpcError) {
    Throwable t = unwrap(grpcError);
    if (t instanceof RunnelException re) {
      return re;
    }
    if (!(t instanceof StatusRuntimeException) && !(t instanceof StatusException)) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      return new RunnelException(
          ErrorReason.ERROR_REASON_UNSPECIFIED, Status.Code.UNKNOWN, Map.of(), message, t);
    }
    Status status = Status.fromThrowable(t);
    ErrorInfo info = errorInfo(t);
    ErrorReason reason = info == null ? ErrorReason.ERROR_REASON_UNSPECIFIED : reasonOf(info.getReason());
    Map<String, String> metadata = info == null ? Map.of() : info.getMetadataMap();
    return new RunnelException(reason, status.getCode(), metadata, message(status, reason), t);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static ErrorInfo errorInfo(Throwable t) {
    com.google.rpc.Status details = StatusProto.fromThrowable(t);
    if (details == null) {
      return null;
    }
    for (Any any : details.getDetailsList()) {
      if (any.is(ErrorInfo.class)) {
        try {
          ErrorInfo info = any.unpack(ErrorInfo.class);
          if (Errors.DOMAIN.equals(info.getDomain())) {
            return info;
          }
        } catch (InvalidProtocolBufferException e) {
          // A garbled detail must not hide the status itself: fall back to the code alone.
          return null;
        }
      }
    }
    return null;
  }

  private static ErrorReason reasonOf(String name) {
    try {
      return ErrorReason.valueOf(name);
    } catch (IllegalArgumentException e) {
      // A newer node may send a reason this SDK does not know yet.
      return ErrorReason.ERROR_REASON_UNSPECIFIED;
    }
  }

  private static String message(Status status, ErrorReason reason) {
    String description = status.getDescription();
    if (description == null || description.isBlank()) {
      return reason == ErrorReason.ERROR_REASON_UNSPECIFIED
          ? status.getCode().name()
          : reason.name() + " (" + status.getCode() + ")";
    }
    // Node messages already start with the reason; only prefix the code when they do not.
    return reason != ErrorReason.ERROR_REASON_UNSPECIFIED && !description.startsWith(reason.name())
        ? reason.name() + ": " + description
        : description;
  }
}
