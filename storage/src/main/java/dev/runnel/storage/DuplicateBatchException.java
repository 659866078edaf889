package dev.runnel.storage;

/**
 * The batch is a retry of one its idempotent producer already wrote; it was not written again. Not an error for the
 * producer: it gets the original batch's base offset.
 */
public class DuplicateBatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long baseOffset;

  public DuplicateBatchException(long baseOffset) {
    super("duplicate of the batch stored at offset " + baseOffset, null, false, false);
    this.baseOffset = baseOffset;
  }

  /** Where the original batch is stored. */
  public long getBaseOffset() {
    return baseOffset;
  }
}
