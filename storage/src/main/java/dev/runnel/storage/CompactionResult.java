package dev.runnel.storage;

/**
 * What one compaction pass over a partition did.
 *
 * @param cleanEndOffset offsets below this were compacted by this pass (at least their keys were mapped)
 * @param batchesRead batches read, for the key map and for rewriting
 * @param bytesRead their stored bytes
 * @param batchesRewritten batches stored again with fewer records
 * @param batchesDeleted batches removed
 * @param bytesFreed stored bytes the log shrank by
 */
public record CompactionResult(long cleanEndOffset, long batchesRead, long bytesRead, long batchesRewritten,
    long batchesDeleted, long bytesFreed) {

  static final CompactionResult NOTHING = new CompactionResult(-1, 0, 0, 0, 0, 0);

  /** Whether the pass had anything to do. */
  public boolean ran() {
    return cleanEndOffset >= 0;
  }
}
