package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {
  /** What the producer sent before it serialized records itself: protobuf's own encoding. */
  private static Record viaProtobuf(ProducerRecord r, long timestampMs) {
    Record.Builder b = Record.newBuilder().setTimestampMs(timestampMs);
    if (r.key() != null) {
      b.setKey(ByteString.copyFrom(r.key()));
    }
    if (r.value() != null) {
      b.setValue(ByteString.copyFrom(r.value()));
    }
    for (RecordHeader h : r.headers()) {
      Header.Builder header = Header.newBuilder().setKey(h.key());
      if (h.value() != null) {
        header.setValue(ByteString.copyFrom(h.value()));
      }
      b.addHeaders(header);
    }
    return b.build();
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesExactlyTheBytesProtobufWouldForEveryShapeOfRecord() throws Exception {
    List<ProducerRecord> records = new ArrayList<>();
    List<Long> timestamps = new ArrayList<>();
    records.add(new ProducerRecord("t", null, null, null, List.of(), 0));
    timestamps.add(0L); // a field at its default is left out
    records.add(new ProducerRecord("t", null, new byte[0], new byte[0], List.of(), 0));
    timestamps.add(1L); // empty key and value are present (optional bytes), unlike null ones
    records.add(
        new ProducerRecord(
            "t",
            null,
            bytes("k"),
            new byte[300], // a length that needs a two-byte varint
            List.of(new RecordHeader("", null), new RecordHeader("trace-ü", bytes("v")), new RecordHeader("n", new byte[0])),
            0));
    timestamps.add(1_764_300_000_000L);
    Random random = new Random(42);
    for (int i = 0; i < 50; i++) {
      byte[] value = new byte[random.nextInt(20_000)];
      random.nextBytes(value);
      records.add(ProducerRecord.of("t", random.nextBoolean() ? null : bytes("key-" + i), value));
      timestamps.add(random.nextLong() & Long.MAX_VALUE);
    }

    RecordSet.Builder expected = RecordSet.newBuilder();
    byte[] buffer = new byte[4 << 20];
    int position = 0;
    for (int i = 0; i < records.size(); i++) {
      int size = RecordEncoder.sizeInSet(records.get(i), timestamps.get(i));
      RecordEncoder.writeInSet(records.get(i), timestamps.get(i), buffer, position, size);
      position += size;
      expected.addRecords(viaProtobuf(records.get(i), timestamps.get(i)));
    }
    byte[] written = Arrays.copyOf(buffer, position);
    assertArrayEquals(expected.build().toByteArray(), written);
    RecordSet parsed = RecordSet.parseFrom(written);
    assertEquals(records.size(), parsed.getRecordsCount());
    assertEquals("trace-ü", parsed.getRecords(2).getHeaders(1).getKey());
  }
}
