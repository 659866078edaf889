package dev.runnel.node.grpc;

import dev.runnel.node.NodeContext;
import dev.runnel.node.RunnelError;
import dev.runnel.node.group.GroupView;
import dev.runnel.proto.v1.GroupState;
import dev.runnel.proto.v1.GroupSummary;
import dev.runnel.proto.v1.GroupsGrpc;
import dev.runnel.proto.v1.ListGroupsRequest;
import dev.runnel.proto.v1.ListGroupsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * ListGroups over every coordinator: groups live on the leaders of the __consumer_offsets
 * partitions, so the node asked merges its own groups with those of every other such leader.
 */
final class GroupLister {
  /** How long the node waits for each other coordinator's part of the list. */
  private static final long PEER_LIST_TIMEOUT_MS = 5_000;

  private final NodeContext node;

  GroupLister(NodeContext node) {
    this.node = node;
  }

  /** @param localOnly only the groups this node coordinates (the call came from another node) */
  CompletableFuture<ListGroupsResponse> list(boolean localOnly) {
    CompletableFuture<ListGroupsResponse> local = local();
    if (localOnly) {
      return local;
    }
    SortedSet<Integer> coordinators = node.offsets().coordinators();
    if (coordinators.contains(-1)) {
      throw RunnelError.unavailable(
          "a partition of __consumer_offsets has no leader right now, so the list would be incomplete; retry");
    }
    List<CompletableFuture<ListGroupsResponse>> parts = new ArrayList<>();
    parts.add(local);
    for (int id : coordinators) {
      if (id != node.nodeId()) {
        parts.add(
            node.forwarder()
                .askForwarded(GroupsGrpc.getListGroupsMethod(), ListGroupsRequest.getDefaultInstance(), id, PEER_LIST_TIMEOUT_MS)
                .exceptionally(
                    failure -> {
                      throw RunnelError.unavailable(
                          "node " + id + " (a group coordinator) did not answer, so the list would be incomplete: "
                              + failure.getMessage());
                    }));
      }
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, GroupSummary> byName = new TreeMap<>();
              for (CompletableFuture<ListGroupsResponse> part : parts) {
                for (GroupSummary group : part.join().getGroupsList()) {
                  GroupSummary seen = byName.get(group.getGroup());
                  // While a group moves, two nodes may briefly report it: the one with members wins.
                  if (seen == null || group.getMembers() > seen.getMembers()) {
                    byName.put(group.getGroup(), group);
                  }
                }
              }
              return ListGroupsResponse.newBuilder().addAllGroups(byName.values()).build();
            });
  }

  /** The groups this node coordinates: with members, or with committed offsets only. */
  private CompletableFuture<ListGroupsResponse> local() {
    SortedSet<String> withOffsets = node.offsets().groupsHere();
    return node.groups()
        .call(null, coordinator -> coordinator.list())
        .thenApply(
            active -> {
              Map<String, GroupSummary> byName = new TreeMap<>();
              for (String group : withOffsets) {
                byName.put(group, GroupSummary.newBuilder().setGroup(group).setState(GroupState.GROUP_STATE_EMPTY).build());
              }
              for (GroupView view : active) {
                byName.put(
                    view.group(),
                    GroupSummary.newBuilder()
                        .setGroup(view.group())
                        .setState(GroupsService.state(view.state()))
                        .setMembers(view.members().size())
                        .build());
              }
              return ListGroupsResponse.newBuilder().addAllGroups(byName.values()).build();
            });
  }
}
