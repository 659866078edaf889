package dev.runnel.node;

import dev.runnel.raft.RaftIds;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.io.grpc.ForwardingServerCall;
import org.apache.ratis.thirdparty.io.grpc.ForwardingServerCallListener;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;

/**
 * A network partition for nodes in one JVM: while a node is cut off, every Raft server-to-server
 * message (append entries and heartbeats, votes, snapshot notices, read index, leadership hand
 * over) between it and any other node is refused with UNAVAILABLE, in both directions, as a
 * broken network looks to Ratis. Each node's Raft gRPC server gets a filter (through Ratis' gRPC
 * services customizer, which only tests pass) that looks at who sent each message; refusing at
 * the receiver is enough for both directions, because every node's server has the filter.
 *
 * <p>Client traffic is not cut: a cut-off node still takes client calls, forwards them and talks
 * to the controller as a client (a partition between the servers, not between clients and servers).
 */
final class RaftLinkCuts {
  private static final String RAFT_SERVER_SERVICE = "ratis.grpc.RaftServerProtocolService/";
  private final Set<Integer> cutOff = ConcurrentHashMap.newKeySet();

  /** Cuts the node off from every other node's Raft traffic until {@link #healAll}. */
  void cut(int nodeId) {
    cutOff.add(nodeId);
  }

  void healAll() {
    cutOff.clear();
  }

  boolean isCut(int nodeId) {
    return cutOff.contains(nodeId);
  }

  /** Whether a Raft message from {@code fromNode} to {@code toNode} gets through now. */
  boolean passes(int fromNode, int toNode) {
    return fromNode == toNode || (!cutOff.contains(fromNode) && !cutOff.contains(toNode));
  }

  /** Ratis parameters that put this filter on the Raft server of node {@code nodeId}. */
  Parameters parametersFor(int nodeId) {
    Parameters parameters = new Parameters();
    GrpcConfigKeys.Server.setServicesCustomizer(
        parameters, (builder, types) -> customize(builder, types, nodeId));
    return parameters;
  }

  private org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder customize(
      org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder builder,
      EnumSet<GrpcServices.Type> types,
      int nodeId) {
    return types.contains(GrpcServices.Type.SERVER) ? builder.intercept(new Filter(nodeId)) : builder;
  }

  /** Refuses, on node {@code self}, every Raft server message that must not get through now. */
  private final class Filter implements ServerInterceptor {
    private final int self;

    Filter(int self) {
      this.self = self;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      if (!call.getMethodDescriptor().getFullMethodName().startsWith(RAFT_SERVER_SERVICE)) {
        return next.startCall(call, headers);
      }
      // Once refused, Ratis' side of the call is told it was cancelled, and whatever it still
      // sends on the closed call is dropped (as bytes on a dead connection would be).
      AtomicBoolean refused = new AtomicBoolean();
      ServerCall<Q, R> guarded =
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
              if (!refused.get()) {
                super.sendMessage(message);
              }
            }

            @Override
            public void close(Status status, Metadata trailers) {
              if (!refused.get()) {
                super.close(status, trailers);
              }
            }
          };
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(guarded, headers)) {
        @Override
        public void onMessage(Q message) {
          if (refused.get()) {
            return;
          }
          RaftRpcRequestProto request = rpcRequestOf(message);
          if (request != null
              && !passes(RaftIds.nodeIdOf(RaftPeerId.valueOf(request.getRequestorId())), self)
              && refused.compareAndSet(false, true)) {
            call.close(Status.UNAVAILABLE.withDescription("test network partition"), new Metadata());
            super.onCancel();
            return;
          }
          super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
          if (!refused.get()) {
            super.onHalfClose();
          }
        }

        @Override
        public void onCancel() {
          if (!refused.get()) {
            super.onCancel();
          }
        }

        @Override
        public void onComplete() {
          if (!refused.get()) {
            super.onComplete();
          }
        }
      };
    }
  }

  private static RaftRpcRequestProto rpcRequestOf(Object message) {
    if (message instanceof AppendEntriesRequestProto m) {
      return m.getServerRequest();
    } else if (message instanceof RequestVoteRequestProto m) {
      return m.getServerRequest();
    } else if (message instanceof InstallSnapshotRequestProto m) {
      return m.getServerRequest();
    } else if (message instanceof ReadIndexRequestProto m) {
      return m.getServerRequest();
    } else if (message instanceof StartLeaderElectionRequestProto m) {
      return m.getServerRequest();
    }
    return null;
  }
}
