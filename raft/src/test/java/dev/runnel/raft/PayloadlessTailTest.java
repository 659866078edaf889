package dev.runnel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment files written in Ratis' format by hand (header, then per entry its varint size, the
 * entry and a CRC32C of both), cut where the payloads end, and read back with Ratis' own reader.
 */
class PayloadlessTailTest {
  private static final SizeInBytes ENTRY_BYTES_MAX = SizeInBytes.valueOf(1 << 20);

  @TempDir Path dir;

  /** An append entry whose payload is beside the log, as Ratis writes it (data stripped). */
  private static LogEntryProto beside(long index) {
    return LogEntryProto.newBuilder()
        .setTerm(1)
        .setIndex(index)
        .setStateMachineLogEntry(
            StateMachineLogEntryProto.newBuilder()
                .setCallId(index)
                .setStateMachineEntry(StateMachineEntryProto.newBuilder().setLogEntryProtoSerializedSize(4000)))
        .build();
  }

  /** An entry that carries its bytes in the log (a prefix truncation, or a batch written inline). */
  private static LogEntryProto inline(long index) {
    return LogEntryProto.newBuilder()
        .setTerm(1)
        .setIndex(index)
        .setStateMachineLogEntry(
            StateMachineLogEntryProto.newBuilder().setCallId(index).setLogData(ByteString.copyFromUtf8("inline " + index)))
        .build();
  }

  private void segment(String name, LogEntryProto... entries) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write("RaftLog1".getBytes(StandardCharsets.UTF_8));
    for (LogEntryProto entry : entries) {
      int size = entry.getSerializedSize();
      byte[] record = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
      CodedOutputStream out = CodedOutputStream.newInstance(record);
      out.writeUInt32NoTag(size);
      out.writeRawBytes(entry.toByteArray());
      CRC32C crc = new CRC32C();
      crc.update(record);
      file.write(record);
      file.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
    Files.write(dir.resolve(name), file.toByteArray());
  }

  /** Every file left, with the indexes Ratis' reader finds in it. */
  private List<String> contents() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        LogSegmentPath segment = LogSegmentPath.matchLogSegment(file);
        List<Long> indexes = new ArrayList<>();
        LogSegment.readSegmentFile(
            file.toFile(), segment.getStartEnd(), ENTRY_BYTES_MAX, CorruptionPolicy.EXCEPTION, null, e -> indexes.add(e.getIndex()));
        out.add(file.getFileName() + " " + indexes);
      }
    }
    return out;
  }

  @Test
  void theLogIsCutAtTheFirstEntryPastThePayloadsEnd() throws Exception {
    segment("log_1-3", beside(1), beside(2), beside(3));
    segment("log_4-6", beside(4), beside(5), beside(6));
    segment("log_inprogress_7", beside(7), beside(8));

    assertEquals(5, PayloadlessTail.cut(dir, 4, ENTRY_BYTES_MAX));
    assertEquals(List.of("log_1-3 [1, 2, 3]", "log_4-4 [4]"), contents());
  }

  @Test
  void entriesWithoutPayloadsPastTheEndStayAndACutAtASegmentsStartDeletesIt() throws Exception {
    segment("log_1-3", beside(1), inline(2), beside(3));
    segment("log_inprogress_4", inline(4), beside(5), inline(6));

    assertEquals(-1, PayloadlessTail.cut(dir, 5, ENTRY_BYTES_MAX), "entry 6 needs no payload");
    assertEquals(List.of("log_1-3 [1, 2, 3]", "log_inprogress_4 [4, 5, 6]"), contents());
    assertEquals(5, PayloadlessTail.cut(dir, 4, ENTRY_BYTES_MAX), "entry 4 needs none, 5 does");
    assertEquals(List.of("log_1-3 [1, 2, 3]", "log_inprogress_4 [4]"), contents());

    segment("log_inprogress_4", beside(4), beside(5));
    assertEquals(4, PayloadlessTail.cut(dir, 3, ENTRY_BYTES_MAX));
    assertEquals(List.of("log_1-3 [1, 2, 3]"), contents());
  }

  @Test
  void withoutPayloadsOnlyTheNewestSegmentIsRead() throws Exception {
    segment("log_1-2", beside(1), beside(2));
    segment("log_inprogress_3", inline(3), beside(4));

    assertEquals(4, PayloadlessTail.cut(dir, -1, ENTRY_BYTES_MAX));
    assertEquals(List.of("log_1-2 [1, 2]", "log_inprogress_3 [3]"), contents());
  }
}
