package dev.runnel.sdk;

/** Validated settings every client shares (see {@link ClientBuilder}). */
record ConnectionSettings(String bootstrap, int requestTimeoutMs, int retries, int retryBackoffMs) {
  RetryBackoff backoff() {
    return new RetryBackoff(retries, retryBackoffMs);
  }
}
