package dev.runnel.sdk;

/** A record header; the value may be null. */
public record RecordHeader(String key, byte[] value) {
  public RecordHeader {
    if (key == null) {
      throw new IllegalArgumentException("header key must not be null");
    }
  }
}
