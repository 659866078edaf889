package dev.runnel.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.internal.OffsetCommitKey;
import dev.runnel.proto.v1.Record;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommittedOffsetsTest {
  private static final TopicPartition T0 = new TopicPartition("t", 0);
  private static final TopicPartition T1 = new TopicPartition("t", 1);

  @Test
  void theRecordLatestInTheLogWinsWhateverOrderTheyAreAppliedIn() {
    CommittedOffsets offsets = new CommittedOffsets();
    offsets.apply("g", T0, offset(T0, 20), 5);
    offsets.apply("g", T0, offset(T0, 10), 3); // a late callback of an older commit
    offsets.apply("g", T1, offset(T1, 1), 4);
    assertEquals(Map.of(T0, offset(T0, 20), T1, offset(T1, 1)), offsets.offsets("g"));
    assertEquals(Set.of("g"), offsets.groups());
  }

  @Test
  void aTombstoneDeletesAndStaysNewerThanWhatItDeleted() {
    CommittedOffsets offsets = new CommittedOffsets();
    offsets.apply("g", T0, offset(T0, 20), 5);
    offsets.apply("g", T0, null, 6);
    offsets.apply("g", T0, offset(T0, 20), 5); // replayed older commit
    assertEquals(Map.of(), offsets.offsets("g"));
    assertEquals(Set.of(), offsets.groups());
    offsets.apply("g", T0, offset(T0, 30), 7);
    assertEquals(Map.of(T0, offset(T0, 30)), offsets.offsets("g"));
  }

  @Test
  void recordsRoundTripAndGroupsSpreadOverPartitionsByMurmur2() {
    Record record = OffsetsTopic.record("g", T1, offset(T1, 42), 1_000);
    OffsetCommitKey key = OffsetsTopic.key(record.getKey());
    assertEquals(List.of("g", "t", 1), List.of(key.getGroup(), key.getTopic(), key.getPartition()));
    assertEquals(offset(T1, 42), OffsetsTopic.value(key, record));
    assertEquals(null, OffsetsTopic.value(key, OffsetsTopic.record("g", T1, null, 1_000)));
    // toPositive(murmur2(utf8(id))) % 16, Kafka's murmur2 (vectors in PartitioningTest):
    // murmur2("21") = -973932308, murmur2("foobar") = -790332482, murmur2("abc") = 479470107.
    assertEquals((-973932308 & 0x7fffffff) % 16, OffsetsTopic.partitionFor("21", 16));
    assertEquals((-790332482 & 0x7fffffff) % 16, OffsetsTopic.partitionFor("foobar", 16));
    assertEquals(479470107 % 16, OffsetsTopic.partitionFor("abc", 16));
  }

  private static GroupOffset offset(TopicPartition tp, long offset) {
    return GroupOffset.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()).setOffset(offset).build();
  }
}
