package dev.runnel.storage;

/** An idempotent producer's batch does not continue its sequence in the partition; the log is unchanged. */
public class OutOfOrderSequenceException extends StorageException {
  private static final long serialVersionUID = 1L;

  public OutOfOrderSequenceException(String message) {
    super(message);
  }
}
