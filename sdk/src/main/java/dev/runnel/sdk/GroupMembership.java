package dev.runnel.sdk;

import dev.runnel.proto.v1.AssignmentAck;
import dev.runnel.proto.v1.GroupsGrpc;
import dev.runnel.proto.v1.Heartbeat;
import dev.runnel.proto.v1.JoinGroup;
import dev.runnel.proto.v1.JoinRequest;
import dev.runnel.proto.v1.JoinResponse;
import dev.runnel.proto.v1.LeaveGroup;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A consumer's Join stream to its group's coordinator. gRPC threads turn what the coordinator
 * sends into {@link Event}s for the consumer's thread; a daemon thread sends heartbeats, so the
 * member stays alive while the application processes a long batch. Each stream has an id, and
 * events of an old stream are told apart from the current one's.
 */
final class GroupMembership implements AutoCloseable {
  sealed interface Event permits Joined, Assigned, Ended {
    int streamId();
  }

  record Joined(int streamId, String memberId, int heartbeatIntervalMs) implements Event {}

  record Assigned(int streamId, long generation, Set<TopicPartition> partitions) implements Event {}

  /** The stream ended: normally when {@code error} is null. */
  record Ended(int streamId, RunnelException error) implements Event {}

  private final ChannelPool channels;
  private final JoinGroup join;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "runnel-group-heartbeat");
            t.setDaemon(true);
            return t;
          });
  private ClientCallStreamObserver<JoinRequest> requests;
  private ScheduledFuture<?> heartbeat;
  private volatile int streamId;
  private String address;

  GroupMembership(ChannelPool channels, JoinGroup join) {
    this.channels = channels;
    this.join = join;
  }

  /** Opens a new stream to {@code coordinatorAddress} and joins; returns the stream's id. */
  synchronized int open(String coordinatorAddress) {
    cancelStream("rejoining");
    int id = ++streamId;
    address = coordinatorAddress;
    GroupsGrpc.newStub(channels.channel(coordinatorAddress)).join(new Observer(id));
    send(JoinRequest.newBuilder().setJoin(join).build());
    return id;
  }

  /** The address of the node the current stream goes to. */
  synchronized String address() {
    return address;
  }

  LinkedBlockingQueue<Event> events() {
    return events;
  }

  void ack(long generation) {
    send(JoinRequest.newBuilder().setAck(AssignmentAck.newBuilder().setGeneration(generation)).build());
  }

  /** Leaves the group: the coordinator moves the partitions at once and ends the stream. */
  void leave() {
    send(JoinRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build());
  }

  /** Ends the stream without leaving (a static member's partitions wait for it to come back). */
  synchronized void cancelStream(String why) {
    stopHeartbeats();
    if (requests != null) {
      requests.cancel(why, null);
      requests = null;
    }
  }

  private synchronized void send(JoinRequest request) {
    if (requests != null) {
      try {
        requests.onNext(request);
      } catch (RuntimeException e) {
        // The stream broke meanwhile; its observer reports that as an Ended event.
      }
    }
  }

  private synchronized void startHeartbeats(int id, int intervalMs) {
    stopHeartbeats();
    if (id != streamId) {
      return;
    }
    heartbeat =
        heartbeats.scheduleAtFixedRate(
            () -> send(JoinRequest.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build()),
            intervalMs,
            intervalMs,
            TimeUnit.MILLISECONDS);
  }

  private synchronized void stopHeartbeats() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  private synchronized void ended(int id, RunnelException error) {
    if (id == streamId) {
      stopHeartbeats();
      requests = null;
    }
    events.add(new Ended(id, error));
  }

  @Override
  public void close() {
    cancelStream("consumer closed");
    heartbeats.shutdownNow();
  }

  private final class Observer implements ClientResponseObserver<JoinRequest, JoinResponse> {
    private final int id;

    Observer(int id) {
      this.id = id;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<JoinRequest> stream) {
      synchronized (GroupMembership.this) {
        requests = stream;
      }
    }

    @Override
    public void onNext(JoinResponse response) {
      if (response.hasJoined()) {
        int intervalMs = Math.max(1, response.getJoined().getHeartbeatIntervalMs());
        startHeartbeats(id, intervalMs);
        events.add(new Joined(id, response.getJoined().getMemberId(), intervalMs));
      } else if (response.hasAssignment()) {
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        response.getAssignment().getPartitionsList()
            .forEach(tp -> partitions.add(new TopicPartition(tp.getTopic(), tp.getPartition())));
        events.add(new Assigned(id, response.getAssignment().getGeneration(), Set.copyOf(partitions)));
      }
    }

    @Override
    public void onError(Throwable t) {
      if (Status.fromThrowable(t).getCode() == Status.Code.CANCELLED && id != streamId) {
        return; // we cancelled an old stream ourselves
      }
      ended(id, RunnelException.from(t));
    }

    @Override
    public void onCompleted() {
      ended(id, null);
    }
  }
}
