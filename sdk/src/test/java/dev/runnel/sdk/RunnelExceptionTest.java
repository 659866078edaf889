package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RunnelExceptionTest {
  @Test
  void readsReasonAndMetadataFromErrorInfo() {
    RunnelException e =
        RunnelException.from(
            FakeRunnel.error(
                Status.Code.OUT_OF_RANGE,
                ErrorReason.OFFSET_OUT_OF_RANGE,
                Map.of(Errors.LOG_START_OFFSET, "5", Errors.HIGH_WATERMARK, "9")));
    assertEquals(ErrorReason.OFFSET_OUT_OF_RANGE, e.reason());
    assertEquals(Status.Code.OUT_OF_RANGE, e.code());
    assertEquals("5", e.metadata().get(Errors.LOG_START_OFFSET));
    assertEquals("9", e.metadata().get(Errors.HIGH_WATERMARK));
    assertEquals("OFFSET_OUT_OF_RANGE: injected by FakeRunnel", e.getMessage());
    assertFalse(e.retriable());
  }

  @Test
  void notLeaderAndNodeUnavailableAreRetriable() {
    assertTrue(RunnelException.from(FakeRunnel.error(Status.Code.UNAVAILABLE, ErrorReason.NOT_LEADER, Map.of())).retriable());
    assertTrue(
        RunnelException.from(FakeRunnel.error(Status.Code.UNAVAILABLE, ErrorReason.NODE_UNAVAILABLE, Map.of()))
            .retriable());
    assertTrue(RunnelException.from(Status.DEADLINE_EXCEEDED.asRuntimeException()).retriable());
    assertFalse(
        RunnelException.from(FakeRunnel.error(Status.Code.NOT_FOUND, ErrorReason.UNKNOWN_TOPIC, Map.of())).retriable());
  }

  @Test
  void plainStatusWithoutDetailsKeepsCodeAndDescription() {
    RunnelException e = RunnelException.from(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());
    assertEquals(ErrorReason.ERROR_REASON_UNSPECIFIED, e.reason());
    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertEquals("io exception", e.getMessage());
    assertTrue(e.metadata().isEmpty());
    assertTrue(e.retriable());
  }

  @Test
  void unwrapsFutureWrappersAndKeepsRunnelExceptions() {
    RunnelException inner = RunnelException.from(Status.NOT_FOUND.asRuntimeException());
    assertSame(inner, RunnelException.from(new CompletionException(inner)));
    RunnelException wrapped =
        RunnelException.from(new CompletionException(Status.ALREADY_EXISTS.asRuntimeException()));
    assertEquals(Status.Code.ALREADY_EXISTS, wrapped.code());
  }

  @Test
  void nonGrpcFailureIsUnknown() {
    RunnelException e = RunnelException.from(new IllegalArgumentException("boom"));
    assertEquals(Status.Code.UNKNOWN, e.code());
    assertEquals("boom", e.getMessage());
    assertFalse(e.retriable());
  }
}
