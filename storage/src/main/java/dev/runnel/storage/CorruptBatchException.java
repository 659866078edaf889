package dev.runnel.storage;

/** A batch failed its CRC32C or header check: on append the log is left unchanged; on read the stored bytes are damaged. */
public class CorruptBatchException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final long baseOffset;

  public CorruptBatchException(String message) {
    this(message, -1);
  }

  /** A stored batch found damaged on read, at {@code baseOffset}. */
  public CorruptBatchException(String message, long baseOffset) {
    super(message);
    this.baseOffset = baseOffset;
  }

  /** Base offset of the damaged stored batch; -1 when the batch was not read from the log. */
  public long getBaseOffset() {
    return baseOffset;
  }
}
