package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C (Castagnoli) of a batch payload; the JDK implementation uses the CPU's CRC32 instructions where present. */
public final class Crc32c {
  private Crc32c() {}

  /** CRC32C over {@code data}'s remaining bytes; the buffer's position is left unchanged. */
  public static int of(ByteBuffer data) {
    CRC32C crc = new CRC32C();
    int positionBefore = data.position();
    crc.update(data);
    data.position(positionBefore);
    return (int) crc.getValue();
  }
}
