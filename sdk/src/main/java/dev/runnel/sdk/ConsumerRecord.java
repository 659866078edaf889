package dev.runnel.sdk;

import java.util.List;

/** A record read from a partition; key and value are null when the producer left them out. */
public record ConsumerRecord(
    String topic,
    int partition,
    long offset,
    byte[] key,
    byte[] value,
    List<RecordHeader> headers,
    long timestampMs) {}
