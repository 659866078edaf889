package dev.runnel.storage;

/** A read asked for an offset outside [logStartOffset, nextOffset]; carries the valid range so a consumer can reset. */
public class OffsetOutOfRangeException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final long logStartOffset;
  private final long nextOffset;

  public OffsetOutOfRangeException(long offset, long logStartOffset, long nextOffset) {
    super("offset " + offset + " is out of range [" + logStartOffset + ", " + nextOffset + "]");
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.nextOffset = nextOffset;
  }

  public long getOffset() {
    return offset;
  }

  public long getLogStartOffset() {
    return logStartOffset;
  }

  public long getNextOffset() {
    return nextOffset;
  }
}
