package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchDecoderTest {
  private static final TopicPartition TP = new TopicPartition("t", 2);

  private static RecordBatch batch(long baseOffset, int count) {
    RecordSet.Builder set = RecordSet.newBuilder();
    for (int i = 0; i < count; i++) {
      set.addRecords(Record.newBuilder().setValue(ByteString.copyFromUtf8("v" + i)).setTimestampMs(1000 + i));
    }
    return RecordBatch.newBuilder()
        .setBaseOffset(baseOffset)
        .setRecordCount(count)
        .setRecords(set)
        .setLogAppendTimeMs(5)
        .build();
  }

  @Test
  void offsetsAreBasePlusIndexAndRecordsBeforeThePositionAreSkipped() {
    List<ConsumerRecord> out = new ArrayList<>();
    BatchDecoder.decode(TP, batch(10, 5), 13, out);
    assertEquals(List.of(13L, 14L), out.stream().map(ConsumerRecord::offset).toList());
    assertArrayEquals("v3".getBytes(), out.get(0).value());
    assertEquals(1003, out.get(0).timestampMs());
    assertEquals("t", out.get(0).topic());
    assertEquals(2, out.get(0).partition());
  }

  @Test
  void batchEntirelyBeforeThePositionYieldsNothing() {
    List<ConsumerRecord> out = new ArrayList<>();
    BatchDecoder.decode(TP, batch(0, 3), 7, out);
    assertTrue(out.isEmpty());
  }

  @Test
  void absentKeyAndValueStayNullAndHeadersAndAppendTimeCarryOver() {
    RecordBatch b =
        RecordBatch.newBuilder()
            .setBaseOffset(0)
            .setRecordCount(1)
            .setLogAppendTimeMs(77)
            .setRecords(
                RecordSet.newBuilder()
                    .addRecords(Record.newBuilder().addHeaders(Header.newBuilder().setKey("h").setValue(ByteString.copyFromUtf8("x")))))
            .build();
    List<ConsumerRecord> out = new ArrayList<>();
    BatchDecoder.decode(TP, b, 0, out);
    assertNull(out.get(0).key());
    assertNull(out.get(0).value());
    assertEquals(77, out.get(0).timestampMs(), "no CreateTime: the node's append time");
    assertEquals("h", out.get(0).headers().get(0).key());
    assertArrayEquals("x".getBytes(), out.get(0).headers().get(0).value());
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_LZ4", "CODEC_ZSTD"})
  void compressedBatchesDecodeLikeUncompressedOnes(Codec codec) {
    RecordBatch plain = batch(10, 5);
    RecordBatch compressed = compressed(plain, codec);
    List<ConsumerRecord> fromPlain = new ArrayList<>();
    List<ConsumerRecord> fromCompressed = new ArrayList<>();
    BatchDecoder.decode(TP, plain, 12, fromPlain);
    BatchDecoder.decode(TP, compressed, 12, fromCompressed);
    assertEquals(3, fromCompressed.size());
    for (int i = 0; i < fromPlain.size(); i++) {
      assertEquals(fromPlain.get(i).offset(), fromCompressed.get(i).offset());
      assertArrayEquals(fromPlain.get(i).value(), fromCompressed.get(i).value());
      assertEquals(fromPlain.get(i).timestampMs(), fromCompressed.get(i).timestampMs());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_LZ4", "CODEC_ZSTD"})
  void undecompressableBatchNamesTopicPartitionAndOffset(Codec codec) {
    RecordBatch garbage =
        batch(42, 1).toBuilder()
            .clearRecords()
            .setCodec(codec)
            .setCompressedRecords(ByteString.copyFromUtf8("definitely not compressed"))
            .build();
    RunnelException e =
        assertThrows(RunnelException.class, () -> BatchDecoder.decode(TP, garbage, 0, new ArrayList<>()));
    assertEquals(ErrorReason.CORRUPT_BATCH, e.reason());
    assertTrue(
        e.getMessage().startsWith("CORRUPT_BATCH: cannot read the batch at offset 42 of topic 't' partition 2: its "
            + codec + " records cannot be decompressed"),
        e.getMessage());
  }

  @Test
  void unknownCodecAndLyingCountFailClearly() {
    RecordBatch future = batch(7, 1).toBuilder().setCodecValue(9).build();
    RunnelException unknown =
        assertThrows(RunnelException.class, () -> BatchDecoder.decode(TP, future, 0, new ArrayList<>()));
    assertTrue(unknown.getMessage().contains("offset 7 of topic 't' partition 2: its codec 9 is unknown"), unknown.getMessage());
    RecordBatch lying = compressed(batch(0, 3), Codec.CODEC_ZSTD).toBuilder().setRecordCount(4).build();
    RunnelException count =
        assertThrows(RunnelException.class, () -> BatchDecoder.decode(TP, lying, 0, new ArrayList<>()));
    assertTrue(count.getMessage().endsWith("says it holds 4 records but holds 3"), count.getMessage());
  }

  /** A compacted batch covering offsets 20..29 that kept the records at 21, 25 and 29. */
  private static RecordBatch compacted() {
    RecordSet.Builder set = RecordSet.newBuilder();
    for (int delta : new int[] {1, 5, 9}) {
      set.addRecords(Record.newBuilder().setValue(ByteString.copyFromUtf8("v" + delta)));
      set.addOffsetDeltas(delta);
    }
    return RecordBatch.newBuilder().setBaseOffset(20).setRecordCount(10).setRecords(set).build();
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_NONE", "CODEC_ZSTD"})
  void compactedBatchesKeepTheOriginalOffsetsWithGaps(Codec codec) {
    RecordBatch batch = codec == Codec.CODEC_NONE ? compacted() : compressed(compacted(), codec);
    List<ConsumerRecord> all = new ArrayList<>();
    BatchDecoder.decode(TP, batch, 0, all);
    assertEquals(List.of(21L, 25L, 29L), all.stream().map(ConsumerRecord::offset).toList());
    assertArrayEquals("v5".getBytes(), all.get(1).value());
    List<ConsumerRecord> fromTheGap = new ArrayList<>();
    BatchDecoder.decode(TP, batch, 22, fromTheGap);
    assertEquals(List.of(25L, 29L), fromTheGap.stream().map(ConsumerRecord::offset).toList());
    assertEquals(30, BatchDecoder.endOffset(batch), "the batch still spans its record_count");
  }

  @Test
  void offsetDeltasThatDisagreeWithTheBatchFailClearly() {
    RecordBatch beyond = compacted().toBuilder().setRecordCount(9).build();
    RunnelException e1 =
        assertThrows(RunnelException.class, () -> BatchDecoder.decode(TP, beyond, 0, new ArrayList<>()));
    assertTrue(e1.getMessage().contains("offset delta 9 of record 2 is out of order or beyond record_count 9"),
        e1.getMessage());
    RecordBatch missing =
        compacted().toBuilder().setRecords(compacted().getRecords().toBuilder().addOffsetDeltas(9)).build();
    RunnelException e2 =
        assertThrows(RunnelException.class, () -> BatchDecoder.decode(TP, missing, 0, new ArrayList<>()));
    assertTrue(e2.getMessage().endsWith("it holds 3 records but 4 offset deltas"), e2.getMessage());
  }

  private static RecordBatch compressed(RecordBatch plain, Codec codec) {
    return plain.toBuilder()
        .clearRecords()
        .setCodec(codec)
        .setCompressedRecords(Codecs.compress(codec, plain.getRecords().toByteString()))
        .build();
  }
}
