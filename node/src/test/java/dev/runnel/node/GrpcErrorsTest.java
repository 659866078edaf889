package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.node.grpc.GrpcErrors;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.junit.jupiter.api.Test;

/** Ratis' transient failures reach clients as retriable reasons, never as INTERNAL_ERROR. */
class GrpcErrorsTest {
  @Test
  void leadershipChangesAreRetriableNotLeader() {
    for (Throwable t :
        new Throwable[] {
          new LeaderSteppingDownException("stepping down"),
          new CompletionException(new TransferLeadershipException("transferring"))
        }) {
      RunnelError e = GrpcErrors.classify(unwrapped(t));
      assertEquals(ErrorReason.NOT_LEADER, e.reason(), t.toString());
      assertEquals(Status.Code.UNAVAILABLE, e.code());
    }
  }

  @Test
  void aServerNotReadyIsRetriableUnavailable() {
    RunnelError e = GrpcErrors.classify(new ServerNotReadyException("starting"));
    assertEquals(ErrorReason.NODE_UNAVAILABLE, e.reason());
    assertEquals(Status.Code.UNAVAILABLE, e.code());
  }

  /** A controller call whose Raft client ran out of retries while the controller had no leader. */
  @Test
  void retriesRunOutDuringAnElectionIsRetriableUnavailable() {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(ClientId.randomId())
            .setServerId(RaftPeerId.valueOf("n1"))
            .setGroupId(RaftGroupId.randomId())
            .setCallId(1)
            .setMessage(Message.EMPTY)
            .setType(RaftClientRequest.writeRequestType())
            .build();
    RunnelError e =
        GrpcErrors.classify(new RaftRetryFailureException(request, 50, RetryPolicies.noRetry(), new NotLeaderException(null, null, null)));
    assertEquals(ErrorReason.NODE_UNAVAILABLE, e.reason());
    assertEquals(Status.Code.UNAVAILABLE, e.code());
  }

  private static Throwable unwrapped(Throwable t) {
    return t instanceof CompletionException ? t.getCause() : t;
  }
}
