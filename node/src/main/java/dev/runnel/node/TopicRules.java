package dev.runnel.node;

import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import dev.runnel.proto.internal.TopicRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What makes a topic valid: Kafka's naming rules, partition bounds, and the known topic configs
 * with their defaults. Pure logic, no I/O.
 */
public final class TopicRules {
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  static final String CREATE_TIME = "CreateTime";
  static final String LOG_APPEND_TIME = "LogAppendTime";
  static final String POLICY_DELETE = "delete";
  static final String POLICY_COMPACT = "compact";
  static final String POLICY_COMPACT_DELETE = "compact,delete";
  public static final long DELETE_RETENTION_MS_DEFAULT = 86_400_000L;
  /** compression.type: keep each batch in the codec its producer chose. */
  static final String COMPRESSION_PRODUCER = "producer";
  /** compression.type values other than {@code producer}, and the codec each one stores. */
  private static final Map<String, Codec> COMPRESSION_CODECS =
      Map.of("none", Codec.CODEC_NONE, "lz4", Codec.CODEC_LZ4, "zstd", Codec.CODEC_ZSTD);
  private static final int NAME_LENGTH_MAX = 249;
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

  private final int messageBytesMax;
  private final int partitionsMax;
  /** Every topic config there is, with the node's default. */
  private final Map<String, String> defaults;

  public TopicRules(int messageBytesMax, int partitionsMax, long retentionMs, long retentionBytes) {
    this.messageBytesMax = messageBytesMax;
    this.partitionsMax = partitionsMax;
    this.defaults =
        Map.of(
            MAX_MESSAGE_BYTES, Integer.toString(messageBytesMax),
            RETENTION_MS, Long.toString(retentionMs),
            RETENTION_BYTES, Long.toString(retentionBytes),
            COMPRESSION_TYPE, COMPRESSION_PRODUCER,
            CLEANUP_POLICY, POLICY_DELETE,
            DELETE_RETENTION_MS, Long.toString(DELETE_RETENTION_MS_DEFAULT),
            MIN_COMPACTION_LAG_MS, "0",
            MESSAGE_TIMESTAMP_TYPE, CREATE_TIME);
  }

  /** The topic's batch size limit. */
  public static int maxMessageBytes(TopicRecord topic) {
    return Integer.parseInt(topic.getConfigsOrThrow(MAX_MESSAGE_BYTES));
  }

  /**
   * The codec the topic stores its batches in, or null when it keeps the producer's ({@code
   * compression.type=producer}, also for topics created before the config existed).
   */
  public static Codec storedCodec(TopicRecord topic) {
    String value = topic.getConfigsMap().getOrDefault(COMPRESSION_TYPE, COMPRESSION_PRODUCER);
    return COMPRESSION_CODECS.get(value);
  }

  /** Whether the node's append time replaces the producers' timestamps (message.timestamp.type). */
  public static boolean logAppendTime(TopicRecord topic) {
    return LOG_APPEND_TIME.equals(topic.getConfigsMap().get(MESSAGE_TIMESTAMP_TYPE));
  }

  /** Whether the topic keeps the latest record per key (cleanup.policy compact or compact,delete). */
  public static boolean compacted(TopicRecord topic) {
    return topic.getConfigsMap().getOrDefault(CLEANUP_POLICY, POLICY_DELETE).startsWith(POLICY_COMPACT);
  }

  /** Whether retention.ms / retention.bytes apply (cleanup.policy delete or compact,delete). */
  public static boolean deletes(TopicRecord topic) {
    return topic.getConfigsMap().getOrDefault(CLEANUP_POLICY, POLICY_DELETE).endsWith(POLICY_DELETE);
  }

  /** A topic config as a number, or {@code fallback} for topics created before it existed. */
  public static long longConfig(TopicRecord topic, String key, long fallback) {
    String value = topic.getConfigsMap().get(key);
    return value == null ? fallback : Long.parseLong(value);
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
    Map<String, String> configs = new TreeMap<>(defaults);
    requested.forEach((key, value) -> configs.put(key, validated(key, value)));
    return configs;
  }

  /**
   * A topic's configs after {@code set} and {@code delete} (back to the default) are applied to
   * {@code current}; validated like at creation.
   */
  public Map<String, String> alteredConfigs(
      Map<String, String> current, Map<String, String> set, List<String> delete) {
    Map<String, String> configs = new TreeMap<>(defaults);
    current.forEach(configs::put);
    for (String key : delete) {
      if (!defaults.containsKey(key)) {
        throw unknownConfig(key);
      }
      configs.put(key, defaults.get(key));
    }
    set.forEach((key, value) -> configs.put(key, validated(key, value)));
    return configs;
  }

  private String validated(String key, String value) {
    switch (key) {
      case MAX_MESSAGE_BYTES:
        return Long.toString(parse(key, value, 64, messageBytesMax));
      case RETENTION_MS:
      case RETENTION_BYTES:
        return Long.toString(parse(key, value, -1, Long.MAX_VALUE));
      case DELETE_RETENTION_MS:
      case MIN_COMPACTION_LAG_MS:
        return Long.toString(parse(key, value, 0, Long.MAX_VALUE));
      case CLEANUP_POLICY:
        return cleanupPolicy(value);
      case COMPRESSION_TYPE:
        return compressionType(value);
      case MESSAGE_TIMESTAMP_TYPE:
        return timestampType(value);
      default:
        throw unknownConfig(key);
    }
  }

  private static String timestampType(String value) {
    String trimmed = value.trim();
    if (trimmed.equalsIgnoreCase(CREATE_TIME)) {
      return CREATE_TIME;
    }
    if (trimmed.equalsIgnoreCase(LOG_APPEND_TIME)) {
      return LOG_APPEND_TIME;
    }
    throw invalidConfig(
        MESSAGE_TIMESTAMP_TYPE + " must be CreateTime or LogAppendTime; got '" + value + "'");
  }

  private static String compressionType(String value) {
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    if (!normalized.equals(COMPRESSION_PRODUCER) && !COMPRESSION_CODECS.containsKey(normalized)) {
      throw invalidConfig(
          COMPRESSION_TYPE + " must be one of producer, none, lz4, zstd; got '" + value + "'");
    }
    return normalized;
  }

  /** delete, compact, or both in any order and case (stored as compact,delete). */
  private static String cleanupPolicy(String value) {
    Set<String> parts = new TreeSet<>();
    for (String part : value.split(",", -1)) {
      parts.add(part.trim().toLowerCase(Locale.ROOT));
    }
    if (parts.equals(Set.of(POLICY_DELETE))) {
      return POLICY_DELETE;
    }
    if (parts.equals(Set.of(POLICY_COMPACT))) {
      return POLICY_COMPACT;
    }
    if (parts.equals(Set.of(POLICY_COMPACT, POLICY_DELETE))) {
      return POLICY_COMPACT_DELETE;
    }
    throw invalidConfig(
        CLEANUP_POLICY + " must be delete, compact or compact,delete; got '" + value + "'");
  }

  private static long parse(String key, String value, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw invalidConfig(key + " must be a number, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw invalidConfig(key + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  private RunnelError unknownConfig(String key) {
    return invalidConfig(
        "unknown topic config '" + key + "' (known: " + String.join(", ", defaults.keySet()) + ")");
  }

  private static RunnelError invalidConfig(String message) {
    return new RunnelError(ErrorReason.INVALID_CONFIG, Status.Code.INVALID_ARGUMENT, message);
  }
}
