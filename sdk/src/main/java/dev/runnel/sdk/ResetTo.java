package dev.runnel.sdk;

import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.ResetOffsetsRequest;
import java.time.Instant;

/** Where {@link Admin#resetOffsets} moves a group's committed offsets. */
public final class ResetTo {
  private final OffsetSpec spec;
  private final long offset;
  private final long timestampMs;

  private ResetTo(OffsetSpec spec, long offset, long timestampMs) {
    this.spec = spec;
    this.offset = offset;
    this.timestampMs = timestampMs;
  }

  /** The first offset still in each partition: the group reads everything again. */
  public static ResetTo earliest() {
    return new ResetTo(OffsetSpec.OFFSET_SPEC_EARLIEST, -1, -1);
  }

  /** The end of each partition: the group skips everything written so far. */
  public static ResetTo latest() {
    return new ResetTo(OffsetSpec.OFFSET_SPEC_LATEST, -1, -1);
  }

  /** An absolute offset (moved into [log start, end] per partition when outside it). */
  public static ResetTo offset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    return new ResetTo(OffsetSpec.OFFSET_SPEC_UNSPECIFIED, offset, -1);
  }

  /** The first record written at or after {@code time}; the end when none is that new. */
  public static ResetTo time(Instant time) {
    if (time.toEpochMilli() < 0) {
      throw new IllegalArgumentException("time must not be before 1970, got " + time);
    }
    return new ResetTo(OffsetSpec.OFFSET_SPEC_UNSPECIFIED, -1, time.toEpochMilli());
  }

  ResetOffsetsRequest.Builder applyTo(ResetOffsetsRequest.Builder request) {
    if (spec != OffsetSpec.OFFSET_SPEC_UNSPECIFIED) {
      return request.setSpec(spec);
    }
    return offset >= 0 ? request.setOffset(offset) : request.setTimestampMs(timestampMs);
  }

  @Override
  public String toString() {
    if (spec != OffsetSpec.OFFSET_SPEC_UNSPECIFIED) {
      return spec == OffsetSpec.OFFSET_SPEC_EARLIEST ? "earliest" : "latest";
    }
    return offset >= 0 ? "offset " + offset : "time " + Instant.ofEpochMilli(timestampMs);
  }
}
