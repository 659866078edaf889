package dev.runnel.storage;

import java.util.List;
import java.util.Map;

/**
 * A piece of one replica's log for another replica that fell too far behind to catch up from the Raft log: the
 * source's log state and whole batches from the requested offset, read in one transaction so they agree.
 *
 * @param logStartOffset the source's first readable offset
 * @param nextOffset the source's next offset; the chunk completes a catch-up when its last batch ends here
 * @param lastAppliedIndex index of the last Raft entry the source applied to its log
 * @param lastAppliedTerm term of that entry
 * @param batches whole stored batches in offset order, CRC-checked when read; empty at the end of the log
 * @param producers the source's idempotent-producer state by producer id, when the batches reach its next offset
 *     (the chunk that completes a catch-up); empty otherwise
 */
public record ReplicaChunk(
    long logStartOffset,
    long nextOffset,
    long lastAppliedIndex,
    long lastAppliedTerm,
    List<StoredBatch> batches,
    Map<Long, ProducerEntry> producers) {

  public ReplicaChunk {
    batches = List.copyOf(batches);
    producers = Map.copyOf(producers);
  }

  /** The offset after the last batch of this chunk, or {@code fromOffset} when the chunk is empty. */
  public long endOffset(long fromOffset) {
    return batches.isEmpty() ? fromOffset : batches.get(batches.size() - 1).header().lastOffset() + 1;
  }
}
