package dev.runnel.proto;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter whose every byte passes through {@link #read(byte[], int, int)}, which subclasses
 * override to count or copy what is read: single-byte reads and skips are routed through it too,
 * so nothing bypasses the subclass, and mark/reset is not supported.
 */
public abstract class ReadThroughInputStream extends FilterInputStream {
  private static final int SKIP_BUFFER_BYTES = 8192;

  protected ReadThroughInputStream(InputStream in) {
    super(in);
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  /** Skips by reading, so the subclass sees skipped bytes as well. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(SKIP_BUFFER_BYTES, Math.max(0, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
