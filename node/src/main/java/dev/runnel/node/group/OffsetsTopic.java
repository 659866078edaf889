package dev.runnel.node.group;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.runnel.proto.Partitioning;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.internal.OffsetCommitKey;
import dev.runnel.proto.internal.OffsetCommitValue;
import dev.runnel.proto.v1.Record;
import java.nio.charset.StandardCharsets;

/**
 * The internal topic {@value #NAME} (DESIGN.md section 7): one record per commit, keyed by
 * (group, topic, partition); group G lives in partition murmur2(G) % partitions, whose leader is
 * G's coordinator. Pure encoding and placement, no I/O.
 */
public final class OffsetsTopic {
  public static final String NAME = "__consumer_offsets";

  private OffsetsTopic() {}

  public static boolean isInternal(String topic) {
    return NAME.equals(topic);
  }

  /**
   * Refuses what clients may not do to the internal topic (produce, delete, alter, create):
   * its records are written by the group coordinators only.
   */
  public static void refuseClient(String topic, String action) {
    if (isInternal(topic)) {
      throw dev.runnel.node.RunnelError.invalidRequest(
          "cannot " + action + " " + NAME + ": it is an internal topic written only by the group coordinators"
              + " (commit offsets with the Offsets service)");
    }
  }

  /** The offsets partition of {@code group}: Kafka's rule (murmur2 of the UTF-8 id). */
  public static int partitionFor(String group, int partitions) {
    return Partitioning.partitionForKey(group.getBytes(StandardCharsets.UTF_8), partitions);
  }

  /** A commit record; {@code offset} null = a tombstone (the commit is deleted). */
  public static Record record(String group, TopicPartition tp, GroupOffset offset, long nowMs) {
    Record.Builder record =
        Record.newBuilder()
            .setKey(
                OffsetCommitKey.newBuilder()
                    .setGroup(group)
                    .setTopic(tp.topic())
                    .setPartition(tp.partition())
                    .build()
                    .toByteString())
            .setTimestampMs(nowMs);
    if (offset != null) {
      record.setValue(
          OffsetCommitValue.newBuilder()
              .setOffset(offset.getOffset())
              .setMetadata(offset.getMetadata())
              .setCommitTimeMs(nowMs)
              .build()
              .toByteString());
    }
    return record.build();
  }

  /** The key of a stored commit record; IllegalStateException if it is not one (a bug or damage). */
  public static OffsetCommitKey key(ByteString key) {
    try {
      return OffsetCommitKey.parseFrom(key);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a record of " + NAME + " has an undecodable key", e);
    }
  }

  /** The committed offset a stored record holds, or null for a tombstone. */
  public static GroupOffset value(OffsetCommitKey key, Record record) {
    if (!record.hasValue()) {
      return null;
    }
    try {
      OffsetCommitValue value = OffsetCommitValue.parseFrom(record.getValue());
      return GroupOffset.newBuilder()
          .setTopic(key.getTopic())
          .setPartition(key.getPartition())
          .setOffset(value.getOffset())
          .setMetadata(value.getMetadata())
          .build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a record of " + NAME + " has an undecodable value", e);
    }
  }
}
