package dev.runnel.node.group;

/**
 * The coordinator's bounds (node config keys group.*, groups.max), checked at start-up by
 * NodeConfig.
 */
public record GroupLimits(
    int sessionTimeoutMsDefault,
    int sessionTimeoutMsMin,
    int sessionTimeoutMsMax,
    int rebalanceTimeoutMsDefault,
    int membersPerGroupMax,
    int groupsMax) {
  /** Longest group id, as for topic names. */
  public static final int GROUP_ID_LENGTH_MAX = 249;
  /** Most topic names one member may list. */
  public static final int SUBSCRIBED_TOPICS_MAX = 1_000;
  public static final int TOPIC_PATTERN_LENGTH_MAX = 256;
  public static final int ID_LENGTH_MAX = 249;
  /** Bounds of a member's rebalance timeout. */
  public static final int REBALANCE_TIMEOUT_MS_MIN = 1_000;
  public static final int REBALANCE_TIMEOUT_MS_MAX = 600_000;
}
