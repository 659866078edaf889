package dev.runnel.sdk;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a {@link ProducerRecord} straight into a batch's buffer as one entry of a serialized
 * {@link RecordSet} (field {@code records}: tag, length, then the {@link Record} fields), without
 * building protobuf objects or copying key and value first: one copy per record, none per batch.
 * The bytes are exactly what {@code RecordSet.newBuilder().addRecords(record).build()} serializes
 * to (RecordEncoderTest checks that), so every reader keeps parsing them as a RecordSet.
 */
final class RecordEncoder {
  private static final int RECORDS_FIELD = RecordSet.RECORDS_FIELD_NUMBER;

  private RecordEncoder() {}

  /** Bytes the record adds to a RecordSet, tag and length included. */
  static int sizeInSet(ProducerRecord record, long timestampMs) {
    return CodedOutputStream.computeTagSize(RECORDS_FIELD) + lengthPrefixed(recordSize(record, timestampMs));
  }

  /** Writes the record at {@code buffer[offset]}; {@code sizeInSet} must be {@link #sizeInSet}'s answer. */
  static void writeInSet(ProducerRecord record, long timestampMs, byte[] buffer, int offset, int sizeInSet) {
    CodedOutputStream out = CodedOutputStream.newInstance(buffer, offset, sizeInSet);
    try {
      out.writeTag(RECORDS_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(recordSize(record, timestampMs));
      if (record.key() != null) {
        out.writeByteArray(Record.KEY_FIELD_NUMBER, record.key());
      }
      if (record.value() != null) {
        out.writeByteArray(Record.VALUE_FIELD_NUMBER, record.value());
      }
      for (RecordHeader h : record.headers()) {
        out.writeTag(Record.HEADERS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(headerSize(h));
        if (!h.key().isEmpty()) {
          out.writeString(Header.KEY_FIELD_NUMBER, h.key());
        }
        if (h.value() != null) {
          out.writeByteArray(Header.VALUE_FIELD_NUMBER, h.value());
        }
      }
      if (timestampMs != 0) {
        out.writeInt64(Record.TIMESTAMP_MS_FIELD_NUMBER, timestampMs);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      // Only when the size was computed wrongly: a bug, not an input problem.
      throw new UncheckedIOException("record did not fit the size computed for it", e);
    }
  }

  private static int recordSize(ProducerRecord record, long timestampMs) {
    int size = 0;
    if (record.key() != null) {
      size += CodedOutputStream.computeByteArraySize(Record.KEY_FIELD_NUMBER, record.key());
    }
    if (record.value() != null) {
      size += CodedOutputStream.computeByteArraySize(Record.VALUE_FIELD_NUMBER, record.value());
    }
    for (RecordHeader h : record.headers()) {
      size += CodedOutputStream.computeTagSize(Record.HEADERS_FIELD_NUMBER) + lengthPrefixed(headerSize(h));
    }
    if (timestampMs != 0) {
      size += CodedOutputStream.computeInt64Size(Record.TIMESTAMP_MS_FIELD_NUMBER, timestampMs);
    }
    return size;
  }

  private static int headerSize(RecordHeader h) {
    // proto3 leaves a field at its default (empty key, timestamp 0) out of the bytes.
    int size = h.key().isEmpty() ? 0 : CodedOutputStream.computeStringSize(Header.KEY_FIELD_NUMBER, h.key());
    if (h.value() != null) {
      size += CodedOutputStream.computeByteArraySize(Header.VALUE_FIELD_NUMBER, h.value());
    }
    return size;
  }

  private static int lengthPrefixed(int size) {
    return CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }
}
