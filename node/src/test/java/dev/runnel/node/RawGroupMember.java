package dev.runnel.node;

import dev.runnel.proto.v1.AssignmentAck;
import dev.runnel.proto.v1.GroupsGrpc;
import dev.runnel.proto.v1.Heartbeat;
import dev.runnel.proto.v1.JoinGroup;
import dev.runnel.proto.v1.JoinRequest;
import dev.runnel.proto.v1.JoinResponse;
import dev.runnel.proto.v1.LeaveGroup;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A group member speaking the Join protocol with nothing but the generated stubs, as a non-Java
 * client would: it heartbeats and acknowledges only when the test says so.
 */
final class RawGroupMember implements AutoCloseable {
  final LinkedBlockingQueue<JoinResponse> received = new LinkedBlockingQueue<>();
  volatile Throwable error;
  volatile boolean completed;
  private final StreamObserver<JoinRequest> requests;

  RawGroupMember(ManagedChannel channel, JoinGroup join) {
    requests =
        GroupsGrpc.newStub(channel)
            .join(
                new StreamObserver<>() {
                  @Override
                  public void onNext(JoinResponse value) {
                    received.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    error = t;
                  }

                  @Override
                  public void onCompleted() {
                    completed = true;
                  }
                });
    send(JoinRequest.newBuilder().setJoin(join).build());
  }

  synchronized void send(JoinRequest request) {
    requests.onNext(request);
  }

  void heartbeat() {
    send(JoinRequest.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
  }

  void ack(long generation) {
    send(JoinRequest.newBuilder().setAck(AssignmentAck.newBuilder().setGeneration(generation)).build());
  }

  void leave() {
    send(JoinRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build());
  }

  /** The next message from the coordinator; fails the test if none comes within 10 s. */
  JoinResponse next() throws InterruptedException {
    JoinResponse response = received.poll(10, TimeUnit.SECONDS);
    if (response == null) {
      throw new AssertionError("no message from the coordinator (stream error: " + error + ")");
    }
    return response;
  }

  @Override
  public synchronized void close() {
    try {
      requests.onCompleted();
    } catch (RuntimeException e) {
      // already closed by the server
    }
  }
}
