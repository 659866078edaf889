package dev.runnel.node.group;

import java.util.Set;

/**
 * What a member asks for when it opens its stream. {@code sessionTimeoutMs} and {@code
 * rebalanceTimeoutMs} 0 mean the node's defaults; {@code staticMemberId} and {@code topicPattern}
 * may be empty.
 */
public record JoinSpec(
    String group,
    Set<String> topics,
    String topicPattern,
    String staticMemberId,
    int sessionTimeoutMs,
    int rebalanceTimeoutMs,
    String clientId) {}
