package dev.runnel.node.group;

import dev.runnel.node.RunnelError;
import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.Map;

/** The typed errors of consumer groups; GrpcErrors turns them into statuses. */
public final class GroupErrors {
  private GroupErrors() {}

  public static RunnelError unknownMember(String group, String memberId, String why) {
    return new RunnelError(
        ErrorReason.UNKNOWN_MEMBER,
        Status.Code.FAILED_PRECONDITION,
        "member '" + memberId + "' is not in group '" + group + "' (" + why + "); rejoin the group",
        Map.of(Errors.GROUP, group, Errors.MEMBER_ID, memberId));
  }

  public static RunnelError activeGroupNeedsMember(String group) {
    return new RunnelError(
        ErrorReason.UNKNOWN_MEMBER,
        Status.Code.FAILED_PRECONDITION,
        "group '" + group + "' has members: a commit without member_id and generation is only"
            + " accepted while the group is empty",
        Map.of(Errors.GROUP, group, Errors.MEMBER_ID, ""));
  }

  public static RunnelError fenced(
      String group, String memberId, TopicPartition tp, long generation, String why) {
    return new RunnelError(
        ErrorReason.FENCED_MEMBER,
        Status.Code.FAILED_PRECONDITION,
        "member '" + memberId + "' of group '" + group + "' may not commit " + tp + " at generation "
            + generation + ": " + why,
        Map.of(
            Errors.GROUP, group,
            Errors.MEMBER_ID, memberId,
            Errors.TOPIC, tp.topic(),
            Errors.PARTITION, Integer.toString(tp.partition()),
            Errors.GENERATION, Long.toString(generation)));
  }

  /** The member missed a deadline and was removed; the stream ends with this. It may rejoin. */
  public static RunnelError removed(String group, String memberId, String why) {
    return new RunnelError(
        ErrorReason.UNKNOWN_MEMBER,
        Status.Code.FAILED_PRECONDITION,
        "member '" + memberId + "' was removed from group '" + group + "': " + why + "; rejoin the group",
        Map.of(Errors.GROUP, group, Errors.MEMBER_ID, memberId));
  }

  /**
   * A newer instance with the same static member id took this member's place; the old one must
   * stop (rejoining would fence the new one in turn).
   */
  public static RunnelError replaced(String group, String memberId, String staticMemberId) {
    return new RunnelError(
        ErrorReason.FENCED_MEMBER,
        Status.Code.FAILED_PRECONDITION,
        "member '" + memberId + "' of group '" + group + "' was replaced by a newer instance of static member '"
            + staticMemberId + "'",
        Map.of(Errors.GROUP, group, Errors.MEMBER_ID, memberId));
  }

  public static RunnelError limitReached(String limit, int value, String what) {
    return new RunnelError(
        ErrorReason.GROUP_LIMIT_REACHED,
        Status.Code.RESOURCE_EXHAUSTED,
        what + " (" + limit + " = " + value + ")",
        Map.of(Errors.LIMIT, limit));
  }

  public static RunnelError unknownGroup(String group) {
    return new RunnelError(
        ErrorReason.UNKNOWN_GROUP,
        Status.Code.NOT_FOUND,
        "group '" + group + "' has no members and no committed offsets",
        Map.of(Errors.GROUP, group));
  }

  /** Resetting or deleting offsets needs a group without members. */
  public static RunnelError notEmpty(String group, int members, String action) {
    return new RunnelError(
        ErrorReason.GROUP_NOT_EMPTY,
        Status.Code.FAILED_PRECONDITION,
        "cannot " + action + " of group '" + group + "': it has " + members + " active member"
            + (members == 1 ? "" : "s") + "; stop them first (a stopped static member counts until its session"
            + " timeout passes)",
        Map.of(Errors.GROUP, group, Errors.MEMBERS, Integer.toString(members)));
  }

  /** A member tried to join while an administrator changes the group's offsets: retry soon. */
  public static RunnelError reserved(String group) {
    return new RunnelError(
        ErrorReason.NODE_UNAVAILABLE,
        Status.Code.UNAVAILABLE,
        "the committed offsets of group '" + group + "' are being reset or deleted right now; retry",
        Map.of(Errors.GROUP, group));
  }

  /**
   * {@code coordinatorId} -1: not known yet (__consumer_offsets being created, or its partition
   * electing a leader); {@code address} may be "".
   */
  public static RunnelError notCoordinator(int coordinatorId, String address) {
    return new RunnelError(
        ErrorReason.NOT_COORDINATOR,
        Status.Code.UNAVAILABLE,
        coordinatorId >= 0
            ? "this node does not coordinate this consumer group; node " + coordinatorId + " (" + address + ") does"
            : "no group coordinator is known right now (__consumer_offsets is being created or its"
                + " partition is electing a leader); retry",
        Map.of(Errors.COORDINATOR_ID, Integer.toString(coordinatorId), Errors.COORDINATOR_ADDRESS, address));
  }

  public static void checkGroupId(String group) {
    if (group.isEmpty() || group.length() > GroupLimits.GROUP_ID_LENGTH_MAX) {
      throw RunnelError.invalidRequest(
          "group must be 1.." + GroupLimits.GROUP_ID_LENGTH_MAX + " characters, got '" + group + "'");
    }
  }
}
