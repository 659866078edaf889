package dev.runnel.storage;

/**
 * Limits of one partition log.
 *
 * @param mapSizeInitialBytes LMDB map size at creation; the map doubles on demand from here
 * @param mapSizeMaxBytes the map never grows past this; appends beyond it fail with {@link StorageFullException}
 * @param diskFreeMinBytes {@link PartitionLog#checkCapacity} refuses a batch that would leave less free disk than this
 */
public record LogConfig(long mapSizeInitialBytes, long mapSizeMaxBytes, long diskFreeMinBytes) {
  private static final long MIB = 1024L * 1024L;

  public LogConfig {
    requirePositive("mapSizeInitialBytes", mapSizeInitialBytes);
    requirePositive("mapSizeMaxBytes", mapSizeMaxBytes);
    requirePositive("diskFreeMinBytes", diskFreeMinBytes);
    if (mapSizeInitialBytes > mapSizeMaxBytes) {
      throw new IllegalArgumentException("mapSizeInitialBytes (" + mapSizeInitialBytes
          + ") must not exceed mapSizeMaxBytes (" + mapSizeMaxBytes + ")");
    }
  }

  /** 64 MiB initial map, 64 GiB maximum map, keep at least 256 MiB of the disk free. */
  public static LogConfig defaults() {
    return new LogConfig(64 * MIB, 64 * 1024 * MIB, 256 * MIB);
  }

  private static void requirePositive(String name, long valueBytes) {
    if (valueBytes <= 0) {
      throw new IllegalArgumentException(name + " must be > 0 bytes, got " + valueBytes);
    }
  }
}
