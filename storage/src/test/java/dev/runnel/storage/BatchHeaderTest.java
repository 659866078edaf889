package dev.runnel.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class BatchHeaderTest {
  private static final BatchHeader HEADER =
      new BatchHeader(42, 7, 1000, 2000, 99, (short) 3, 11, (byte) 2, 3000, 0xCAFEBABE);

  @Test
  void roundTripsThroughBigEndianBytesWhateverTheBufferOrder() {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
      ByteBuffer buffer = ByteBuffer.allocate(BatchHeader.SIZE_BYTES + 3).order(order);
      buffer.put((byte) 9);
      HEADER.writeTo(buffer);
      assertEquals(1 + BatchHeader.SIZE_BYTES, buffer.position());
      assertEquals(BatchHeader.MAGIC_V1, buffer.get(1));
      assertEquals(42, ByteBuffer.wrap(buffer.array(), 2, 8).getLong(), "base offset is big-endian");
      buffer.flip().position(1);
      assertEquals(HEADER, BatchHeader.readFrom(buffer));
      assertEquals(1 + BatchHeader.SIZE_BYTES, buffer.position());
    }
  }

  @Test
  void lastOffsetAndWithBaseOffset() {
    assertEquals(48, HEADER.lastOffset());
    BatchHeader moved = HEADER.withBaseOffset(100);
    assertEquals(106, moved.lastOffset());
    assertEquals(HEADER.crc32c(), moved.crc32c());
  }

  @Test
  void rejectsBadMagicAndShortInput() {
    ByteBuffer buffer = ByteBuffer.allocate(BatchHeader.SIZE_BYTES);
    HEADER.writeTo(buffer);
    buffer.put(0, (byte) 77).flip();
    CorruptBatchException badMagic = assertThrows(CorruptBatchException.class, () -> BatchHeader.readFrom(buffer));
    assertTrue(badMagic.getMessage().contains("magic 77"), badMagic.getMessage());
    assertThrows(CorruptBatchException.class, () -> BatchHeader.readFrom(ByteBuffer.allocate(10)));
  }

  @Test
  void crc32cLeavesPositionAndMatchesJdk() {
    ByteBuffer data = ByteBuffer.wrap("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(0xE3069283, Crc32c.of(data), "CRC32C check value");
    assertEquals(0, data.position());
    ByteBuffer direct = ByteBuffer.allocateDirect(9).put(data.duplicate()).flip();
    assertEquals(0xE3069283, Crc32c.of(direct));
  }

  @Test
  void logConfigValidatesBytes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LogConfig(0, 10, 10));
    assertTrue(e.getMessage().contains("mapSizeInitialBytes"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LogConfig(10, -1, 10));
    assertThrows(IllegalArgumentException.class, () -> new LogConfig(10, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new LogConfig(20, 10, 10));
    LogConfig defaults = LogConfig.defaults();
    assertEquals(64L << 20, defaults.mapSizeInitialBytes());
    assertEquals(64L << 30, defaults.mapSizeMaxBytes());
    assertEquals(256L << 20, defaults.diskFreeMinBytes());
  }
}
