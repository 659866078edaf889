package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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

  @Test
  void compressedBatchFailsClearly() {
    RecordBatch compressed = batch(0, 1).toBuilder().setCodec(Codec.CODEC_LZ4).build();
    RunnelException e =
        assertThrows(RunnelException.class, () -> BatchDecoder.decode(TP, compressed, 0, new ArrayList<>()));
    assertTrue(e.getMessage().startsWith("compressed batches not supported by this SDK version"), e.getMessage());
  }
}
