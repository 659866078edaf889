package dev.runnel.node;

import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.Map;

/**
 * An expected failure (unknown topic, bad offset, batch too large...): carries the reason, the
 * gRPC status code and what the caller needs to act on it. It is turned into a gRPC status in
 * one place, {@link dev.runnel.node.grpc.GrpcErrors}. Bugs are IllegalStateExceptions, not this.
 */
public final class RunnelError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorReason reason;
  private final Status.Code code;
  private final Map<String, String> metadata;

  public RunnelError(ErrorReason reason, Status.Code code, String message) {
    this(reason, code, message, Map.of());
  }

  public RunnelError(
      ErrorReason reason, Status.Code code, String message, Map<String, String> metadata) {
    super(message, null, false, false);
    this.reason = reason;
    this.code = code;
    this.metadata = Map.copyOf(metadata);
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

  public static RunnelError unknownTopic(String topic) {
    return new RunnelError(
        ErrorReason.UNKNOWN_TOPIC,
        Status.Code.NOT_FOUND,
        "topic '" + topic + "' does not exist",
        Map.of(Errors.TOPIC, topic));
  }

  /** This node does not lead the partition; {@code leaderId} is the node to try (-1: unknown). */
  public static RunnelError notLeader(String topic, int partition, int leaderId) {
    return new RunnelError(
        ErrorReason.NOT_LEADER,
        Status.Code.UNAVAILABLE,
        "this node does not lead "
            + topic
            + "-"
            + partition
            + (leaderId >= 0 ? "; try node " + leaderId : "; no leader is known yet, retry"),
        Map.of(
            Errors.TOPIC, topic,
            Errors.PARTITION, Integer.toString(partition),
            Errors.LEADER_ID, Integer.toString(leaderId)));
  }

  public static RunnelError invalidRequest(String message) {
    return new RunnelError(ErrorReason.INVALID_REQUEST, Status.Code.INVALID_ARGUMENT, message);
  }

  public static RunnelError unavailable(String message) {
    return new RunnelError(ErrorReason.NODE_UNAVAILABLE, Status.Code.UNAVAILABLE, message);
  }
}
