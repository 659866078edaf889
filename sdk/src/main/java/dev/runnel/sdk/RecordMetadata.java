package dev.runnel.sdk;

/** Where an acknowledged record was stored. */
public record RecordMetadata(String topic, int partition, long offset, long timestampMs) {}
