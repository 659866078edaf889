package dev.runnel.storage;

/** A batch carries an older epoch of its producer id than one already written; the log is unchanged. */
public class ProducerFencedException extends StorageException {
  private static final long serialVersionUID = 1L;

  public ProducerFencedException(String message) {
    super(message);
  }
}
