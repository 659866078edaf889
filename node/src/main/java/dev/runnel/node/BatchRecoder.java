package dev.runnel.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.ReadThroughInputStream;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Counts the records of a batch that has to be decompressed, and re-encodes it when the topic
 * stores another codec ({@code compression.type}). One streaming pass: the decompressed records
 * are walked tag by tag (skipped, never parsed into objects) while, when re-encoding, the same
 * bytes flow into the target codec. Memory stays bounded whatever the input claims: decompressed
 * bytes are capped by {@code batch.decompressed.bytes.max} and never held whole, the output by
 * the topic's {@code max.message.bytes}.
 */
final class BatchRecoder {
  private static final int RECORD_SET_RECORDS_TAG =
      (RecordSet.RECORDS_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int RECORD_KEY_TAG =
      (Record.KEY_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int STREAM_BUFFER_BYTES = 8192;

  /** The records as they will be stored, and how many there are. */
  record Recoded(ByteString payload, int recordCount) {}

  private BatchRecoder() {}

  /**
   * {@code payload} (records in codec {@code from}) counted and, when {@code to} differs, encoded
   * in {@code to}. Throws RunnelError for undecodable input or a result that is too large.
   */
  static Recoded recode(
      String topic,
      Codec from,
      ByteString payload,
      Codec to,
      int storedBytesMax,
      long decompressedBytesMax,
      boolean keysRequired) {
    boolean reencode = from != to;
    ByteString.Output stored =
        reencode ? ByteString.newOutput(Math.max(256, Math.min(storedBytesMax, payload.size()))) : null;
    TeeInputStream records = null;
    int count;
    try (InputStream plain = Codecs.decompressing(from, payload.newInput(), decompressedBytesMax);
        OutputStream sink =
            reencode
                ? Codecs.compressing(to, new BoundedOutputStream(stored, topic, storedBytesMax))
                : OutputStream.nullOutputStream()) {
      records = new TeeInputStream(plain, sink);
      count = countRecords(CodedInputStream.newInstance(records, STREAM_BUFFER_BYTES), topic, keysRequired);
    } catch (Codecs.TooLargeException e) {
      throw new RunnelError(
          ErrorReason.RECORD_TOO_LARGE,
          Status.Code.INVALID_ARGUMENT,
          "the batch's records decompress to more than "
              + decompressedBytesMax
              + " bytes, the node's batch.decompressed.bytes.max");
    } catch (IOException e) {
      if (records == null || records.readFailure != null || !(e instanceof InvalidProtocolBufferException)) {
        throw RunnelError.invalidRequest(
            "compressed_records is not valid "
                + formatOf(from)
                + " data (see docs/api.md, compressed batches): "
                + e.getMessage());
      }
      throw RunnelError.invalidRequest(
          "the batch's records, once decompressed, are not a valid RecordSet: " + e.getMessage());
    }
    return new Recoded(reencode ? stored.toByteString() : payload, count);
  }

  private static String formatOf(Codec codec) {
    switch (codec) {
      case CODEC_LZ4:
        return "LZ4 frame";
      case CODEC_ZSTD:
        return "zstd frame";
      default:
        return codec.name();
    }
  }

  /**
   * Top-level RecordSet.records entries, each skipped over, not parsed; with {@code keysRequired}
   * (a compacted topic) each record's own fields are walked to find its key. {@code
   * offset_deltas} is refused: only compaction sets it.
   */
  static int countRecords(CodedInputStream in, String topic, boolean keysRequired) throws IOException {
    int count = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == RECORD_SET_RECORDS_TAG) {
        count++;
        if (keysRequired) {
          requireKey(in, topic, count - 1);
          continue;
        }
      } else if (WireFormat.getTagFieldNumber(tag) == RecordSet.OFFSET_DELTAS_FIELD_NUMBER) {
        throw RunnelError.invalidRequest(
            "the batch's RecordSet sets offset_deltas; only the node's compaction sets it, producers must not");
      }
      in.skipField(tag);
    }
    return count;
  }

  /** Reads one length-delimited Record, failing when it has no key. */
  private static void requireKey(CodedInputStream in, String topic, int index) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    boolean keyed = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      keyed |= tag == RECORD_KEY_TAG;
      in.skipField(tag);
    }
    in.popLimit(limit);
    if (!keyed) {
      throw RunnelError.invalidRequest(
          "topic '"
              + topic
              + "' is compacted (cleanup.policy has compact): every record needs a key, but record "
              + index
              + " of the batch has none");
    }
  }

  /** Copies every byte read (or skipped) to {@code sink}; remembers a failure of the source. */
  private static final class TeeInputStream extends ReadThroughInputStream {
    private final OutputStream sink;
    IOException readFailure;

    TeeInputStream(InputStream in, OutputStream sink) {
      super(in);
      this.sink = sink;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        readFailure = e;
        throw e;
      }
      if (n > 0) {
        sink.write(b, off, n);
      }
      return n;
    }
  }

  /** Refuses to grow past the topic's max.message.bytes, so a re-encode is bounded by it. */
  private static final class BoundedOutputStream extends OutputStream {
    private final OutputStream out;
    private final String topic;
    private final int bytesMax;
    private long bytesWritten;

    BoundedOutputStream(OutputStream out, String topic, int bytesMax) {
      this.out = out;
      this.topic = topic;
      this.bytesMax = bytesMax;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      bytesWritten += len;
      if (bytesWritten > bytesMax) {
        throw BatchValidator.tooLarge(topic, bytesWritten, bytesMax, " once re-encoded to the topic's compression.type");
      }
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
