package dev.runnel.connectors.http;

/**
 * Which answers are worth retrying and how long to wait before each retry. Pure.
 *
 * <p>5xx, 408 (request timeout) and 429 (too many requests) are the server's temporary trouble;
 * any other 4xx means this request is wrong and will be wrong again.
 */
record RetryPolicy(int retryMax, long backoffMs, long backoffMaxMs) {
  enum Outcome { SUCCESS, RETRY, FAIL }

  static Outcome classify(int status) {
    if (status >= 200 && status < 300) {
      return Outcome.SUCCESS;
    }
    if (status >= 500 || status == 408 || status == 429) {
      return Outcome.RETRY;
    }
    return Outcome.FAIL;
  }

  /** The wait before retry number {@code retry} (1-based): doubling from backoffMs, capped. */
  long backoffMs(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry " + retry);
    }
    long wait = backoffMs;
    for (int i = 1; i < retry && wait < backoffMaxMs; i++) {
      wait *= 2;
    }
    return Math.min(wait, backoffMaxMs);
  }
}
