package dev.runnel.loadtest.bench;

/** A workload file or option that cannot be run; the message says what to fix. */
public final class WorkloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WorkloadException(String message) {
    super(message);
  }
}
