package dev.runnel.node.group;

/**
 * Where a reset puts one partition's committed offset, given what the partition holds now. Pure:
 * the service reads the offsets, this decides.
 */
public final class OffsetResetPlan {
  /** What the user asked for. */
  public enum Mode { EARLIEST, LATEST, OFFSET, TIMESTAMP }

  private OffsetResetPlan() {}

  /**
   * @param requestedOffset the offset asked for (Mode.OFFSET only)
   * @param logStartOffset the partition's first offset
   * @param endOffset the partition's next offset (high watermark)
   * @param timestampOffset the first offset at or after the requested time, -1 when no record is
   *     that new (Mode.TIMESTAMP only)
   */
  public static long newOffset(
      Mode mode, long requestedOffset, long logStartOffset, long endOffset, long timestampOffset) {
    return switch (mode) {
      case EARLIEST -> logStartOffset;
      case LATEST -> endOffset;
      // Like Kafka's reset tool: an offset outside the log moves to its nearest end, so the group
      // never starts out of range.
      case OFFSET -> Math.max(logStartOffset, Math.min(endOffset, requestedOffset));
      // No record that new: start after everything there is (what a later record would get).
      case TIMESTAMP ->
          timestampOffset < 0 ? endOffset : Math.max(logStartOffset, Math.min(endOffset, timestampOffset));
    };
  }
}
