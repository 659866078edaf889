package dev.runnel.node.compaction;

import com.google.protobuf.ByteString;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.storage.CorruptBatchException;
import dev.runnel.storage.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads stored payloads as {@code runnel.v1.RecordSet}s (decompressed when the batch is) for the
 * compactor, and writes the kept records back: the same codec, their original offsets in {@code
 * offset_deltas}. Deterministic: the same kept records give the same bytes (protobuf serializes a
 * message without maps identically; lz4 and zstd at a fixed level compress identically).
 */
public final class ProtoRecordCodec implements RecordCodec {
  private final long decompressedBytesMax;

  /** @param decompressedBytesMax most bytes a stored batch may decompress to (the node's limit) */
  public ProtoRecordCodec(long decompressedBytesMax) {
    this.decompressedBytesMax = decompressedBytesMax;
  }

  @Override
  public Records decode(byte codecNumber, ByteBuffer payload) {
    Codec codec = Codec.forNumber(codecNumber);
    if (codec == null) {
      throw new CorruptBatchException("stored batch has unknown codec " + codecNumber);
    }
    try {
      ByteString stored = ByteString.copyFrom(payload.duplicate());
      RecordSet set = RecordSet.parseFrom(Codecs.decompress(codec, stored, decompressedBytesMax));
      if (set.getOffsetDeltasCount() != 0 && set.getOffsetDeltasCount() != set.getRecordsCount()) {
        throw new CorruptBatchException("stored record set has " + set.getRecordsCount() + " records but "
            + set.getOffsetDeltasCount() + " offset deltas");
      }
      return new ProtoRecords(codec, set);
    } catch (IOException e) {
      throw new CorruptBatchException("stored " + codec + " batch cannot be decoded: " + e.getMessage());
    }
  }

  private static final class ProtoRecords implements Records {
    private final Codec codec;
    private final RecordSet set;
    private final List<Record> records;

    ProtoRecords(Codec codec, RecordSet set) {
      this.codec = codec;
      this.set = set;
      this.records = set.getRecordsList();
    }

    @Override
    public int count() {
      return records.size();
    }

    @Override
    public int offsetDelta(int index) {
      return set.getOffsetDeltasCount() == 0 ? index : set.getOffsetDeltas(index);
    }

    @Override
    public ByteBuffer key(int index) {
      Record record = records.get(index);
      return record.hasKey() ? record.getKey().asReadOnlyByteBuffer() : null;
    }

    @Override
    public boolean isTombstone(int index) {
      return !records.get(index).hasValue();
    }

    @Override
    public ByteBuffer retain(int[] keptIndexes, int keptCount) {
      RecordSet.Builder kept = RecordSet.newBuilder();
      for (int k = 0; k < keptCount; k++) {
        kept.addRecords(records.get(keptIndexes[k]));
        kept.addOffsetDeltas(offsetDelta(keptIndexes[k]));
      }
      return Codecs.compress(codec, kept.build().toByteString()).asReadOnlyByteBuffer();
    }
  }
}
