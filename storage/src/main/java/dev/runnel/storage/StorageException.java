package dev.runnel.storage;

/** Base of the expected failures of the storage module; callers map each subtype to one client-visible error. */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
