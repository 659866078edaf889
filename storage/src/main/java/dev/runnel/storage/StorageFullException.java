package dev.runnel.storage;

/** The LMDB map cannot grow any further or the file system is (nearly) full; the log is left unchanged. */
public class StorageFullException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StorageFullException(String message) {
    super(message);
  }

  public StorageFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
