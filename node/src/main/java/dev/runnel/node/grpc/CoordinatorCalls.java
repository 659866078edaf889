package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.RunnelError;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Routes a unary group call to the group's coordinator (the leader of its __consumer_offsets
 * partition): served here when this node coordinates the group, else forwarded there (one hop; a
 * forwarded call that still misses answers NOT_COORDINATOR with the hint, so the client goes
 * straight to the coordinator next time).
 */
final class CoordinatorCalls {
  private CoordinatorCalls() {}

  /**
   * @param createTopic whether to create __consumer_offsets first if it does not exist yet (calls
   *     that write offsets; reads of a cluster without the topic have nothing to find)
   * @param local the work on the coordinator
   */
  static <Q, R> void serve(
      NodeContext node,
      String group,
      boolean createTopic,
      MethodDescriptor<Q, R> method,
      Q request,
      StreamObserver<R> response,
      Supplier<CompletableFuture<R>> local) {
    boolean forwarded = Forwarder.isForwarded();
    CompletableFuture<Void> ready =
        createTopic ? node.offsets().ensureTopic() : CompletableFuture.completedFuture(null);
    ready.whenComplete(
        (created, failure) -> {
          if (failure != null) {
            response.onError(GrpcErrors.toStatus(failure));
            return;
          }
          AdminService.reply(
              response,
              () -> {
                RunnelError elsewhere = node.notCoordinator(group);
                if (elsewhere == null) {
                  return local.get();
                }
                if (forwarded) {
                  throw elsewhere;
                }
                node.forwarder().unary(method, request, node.offsets().coordinatorOf(group), elsewhere, response);
                return null;
              });
        });
  }
}
