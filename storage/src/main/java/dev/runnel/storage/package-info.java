/**
 * Storage of partition replicas: one LMDB-backed, append-only {@link dev.runnel.storage.PartitionLog} per replica.
 *
 * <p>Public surface:
 * <ul>
 *   <li>{@link dev.runnel.storage.PartitionLog} — open, append (assigns offsets, records the applied Raft
 *       index/term in the same transaction), read whole batches, look up offsets by timestamp, delete the oldest
 *       batches ({@code truncateBefore}, Kafka's DeleteRecords), list the oldest batches' headers and sizes
 *       ({@code oldestBatches}), check capacity, sync.
 *   <li>{@link dev.runnel.storage.RetentionPolicy} — the pure retention.ms / retention.bytes decision over
 *       {@link dev.runnel.storage.StoredBatchInfo}s: where the log should start.
 *   <li>{@link dev.runnel.storage.LogCompactor} — compaction of one log (latest record per key, tombstones expire)
 *       over {@link dev.runnel.storage.PartitionLog#compactBatches}, with a bounded
 *       {@link dev.runnel.storage.KeyOffsetMap}; the records are read through a {@link dev.runnel.storage.RecordCodec}
 *       the caller supplies, so payloads stay opaque here.
 *   <li>{@link dev.runnel.storage.BatchHeader} — the fixed, versioned binary header stored in front of each
 *       batch's opaque payload; {@link dev.runnel.storage.StoredBatch} — a batch as read.
 *   <li>{@link dev.runnel.storage.LogConfig} — map size and disk-free limits; {@link dev.runnel.storage.Crc32c}.
 *   <li>Expected failures, all {@link dev.runnel.storage.StorageException}:
 *       {@link dev.runnel.storage.OffsetOutOfRangeException}, {@link dev.runnel.storage.CorruptBatchException},
 *       {@link dev.runnel.storage.StorageFullException}.
 * </ul>
 *
 * <p>The module knows nothing about Raft, gRPC or protobuf: payloads are opaque bytes, and the applied Raft
 * position is just two numbers. Durability comes from the Raft log; LMDB runs with {@code MDB_NOSYNC} and
 * {@link dev.runnel.storage.PartitionLog#sync()} is called before a snapshot is recorded.
 */
package dev.runnel.storage;
