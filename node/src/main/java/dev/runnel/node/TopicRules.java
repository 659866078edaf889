package dev.runnel.node;

import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What makes a topic valid: Kafka's naming rules, partition bounds, and the known topic configs
 * with their defaults. Pure logic, no I/O.
 */
public final class TopicRules {
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  private static final int NAME_LENGTH_MAX = 249;
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

  private final int messageBytesMax;
  private final int partitionsMax;

  public TopicRules(int messageBytesMax, int partitionsMax) {
    this.messageBytesMax = messageBytesMax;
    this.partitionsMax = partitionsMax;
  }

  /** The topic's batch size limit. */
  public static int maxMessageBytes(dev.runnel.proto.internal.TopicRecord topic) {
    return Integer.parseInt(topic.getConfigsOrThrow(MAX_MESSAGE_BYTES));
  }

  public void checkName(String name) {
    String problem = null;
    if (name.isEmpty()) {
      problem = "must not be empty";
    } else if (name.length() > NAME_LENGTH_MAX) {
      problem = "is " + name.length() + " characters long; the limit is " + NAME_LENGTH_MAX;
    } else if (name.equals(".") || name.equals("..")) {
      problem = "cannot be '.' or '..'";
    } else if (!LEGAL_NAME.matcher(name).matches()) {
      problem = "may only contain ASCII letters, digits, '.', '_' and '-'";
    }
    if (problem != null) {
      throw new RunnelError(
          ErrorReason.INVALID_TOPIC_NAME,
          Status.Code.INVALID_ARGUMENT,
          "invalid topic name '" + name + "': it " + problem,
          Map.of(Errors.TOPIC, name));
    }
  }

  public void checkPartitions(int partitions) {
    if (partitions < 1 || partitions > partitionsMax) {
      throw new RunnelError(
          ErrorReason.INVALID_PARTITIONS,
          Status.Code.INVALID_ARGUMENT,
          "partitions must be between 1 and " + partitionsMax + ", got " + partitions);
    }
  }

  public void checkReplicationFactor(int replicationFactor, int liveNodes) {
    if (replicationFactor < 0 || replicationFactor > liveNodes) {
      throw new RunnelError(
          ErrorReason.INVALID_REPLICATION_FACTOR,
          Status.Code.INVALID_ARGUMENT,
          "replication factor "
              + replicationFactor
              + " is not possible with "
              + liveNodes
              + " live node(s)");
    }
  }

  /** The topic's effective configs: defaults overridden by {@code requested}, all validated. */
  public Map<String, String> effectiveConfigs(Map<String, String> requested) {
    Map<String, String> configs = new TreeMap<>();
    configs.put(MAX_MESSAGE_BYTES, Integer.toString(messageBytesMax));
    requested.forEach(
        (key, value) -> {
          if (!key.equals(MAX_MESSAGE_BYTES)) {
            throw invalidConfig("unknown topic config '" + key + "' (known: " + MAX_MESSAGE_BYTES + ")");
          }
          configs.put(key, Integer.toString(parseMaxMessageBytes(value)));
        });
    return configs;
  }

  private int parseMaxMessageBytes(String value) {
    int bytes;
    try {
      bytes = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw invalidConfig(MAX_MESSAGE_BYTES + " must be a number of bytes, got '" + value + "'");
    }
    if (bytes < 64 || bytes > messageBytesMax) {
      throw invalidConfig(
          MAX_MESSAGE_BYTES
              + " must be between 64 and the node's message.max.bytes ("
              + messageBytesMax
              + "), got "
              + bytes);
    }
    return bytes;
  }

  private static RunnelError invalidConfig(String message) {
    return new RunnelError(ErrorReason.INVALID_CONFIG, Status.Code.INVALID_ARGUMENT, message);
  }
}
