package dev.runnel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.PartitionCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes a follower parses are exactly the command the leader applies from its objects. */
class AppendMessageTest {
  private static AppendBatchCommand batch(int seed, int payloadBytes) {
    byte[] payload = new byte[payloadBytes];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (seed * 31 + i);
    }
    return AppendBatchCommand.newBuilder()
        .setRecordCount(seed + 1)
        .setProducerId(seed * 1000L)
        .setBaseSequence(seed)
        .setCrc32C(seed * 7)
        .setAppendTimeMs(1_700_000_000_000L + seed)
        .setPayload(ByteString.copyFrom(payload))
        .build();
  }

  @Test
  void oneBatchIsAnAppendCommand() throws Exception {
    AppendMessage message = new AppendMessage(batch(1, 300));
    PartitionCommand parsed = PartitionCommand.parseFrom(message.getContent().toByteArray());
    assertEquals(PartitionCommand.CommandCase.APPEND, parsed.getCommandCase());
    assertEquals(message.command(), parsed);
  }

  @Test
  void severalBatchesAreOneAppendBatchesCommandInOrder() throws Exception {
    // Sizes around the one-byte/two-byte length boundaries of protobuf varints.
    List<AppendBatchCommand> batches = List.of(batch(1, 1), batch(2, 127), batch(3, 128), batch(4, 70_000));
    AppendMessage message = new AppendMessage(batches);
    PartitionCommand parsed = PartitionCommand.parseFrom(message.getContent().toByteArray());
    assertEquals(PartitionCommand.CommandCase.APPEND_BATCHES, parsed.getCommandCase());
    assertEquals(batches, parsed.getAppendBatches().getBatchesList());
    assertEquals(message.command(), parsed);
    assertEquals(parsed.getSerializedSize(), message.getContent().size());
  }

  @Test
  void anEntryNeedsABatch() {
    assertThrows(IllegalArgumentException.class, () -> new AppendMessage(List.of()));
  }
}
