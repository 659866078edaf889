package dev.runnel.storage;

/**
 * What a retention decision needs to know about one stored batch, read without its payload.
 *
 * @param header the batch header as stored
 * @param sizeBytes stored size: {@link BatchHeader#SIZE_BYTES} plus the payload length; what deleting it frees from
 *     {@link PartitionLog#sizeBytes()}
 */
public record StoredBatchInfo(BatchHeader header, int sizeBytes) {}
