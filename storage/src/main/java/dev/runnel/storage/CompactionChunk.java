package dev.runnel.storage;

/**
 * What one write transaction of compaction did ({@link PartitionLog#compactBatches}).
 *
 * @param nextOffset where the next chunk starts (the offset after the last batch examined)
 * @param done whether no batch below the end offset is left to examine
 * @param batchesRead batches examined (decoded)
 * @param bytesRead their stored bytes
 * @param batchesRewritten batches stored again with fewer records
 * @param batchesDeleted batches removed because no record of theirs was kept
 * @param bytesFreed stored bytes the log shrank by
 */
public record CompactionChunk(long nextOffset, boolean done, int batchesRead, long bytesRead, int batchesRewritten,
    int batchesDeleted, long bytesFreed) {}
