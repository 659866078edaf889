package dev.runnel.storage;

/** A batch failed its CRC32C or header check: on append the log is left unchanged; on read the stored bytes are damaged. */
public class CorruptBatchException extends StorageException {
  private static final long serialVersionUID = 1L;

  public CorruptBatchException(String message) {
    super(message);
  }
}
