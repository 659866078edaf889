package dev.runnel.proto;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * The one place that knows how a batch's RecordSet is compressed (docs/api.md, "Compressed
 * batches"). Both formats are the codecs' standard, self-describing frame formats, so any
 * language's stock library reads and writes them:
 *
 * <ul>
 *   <li>{@code CODEC_LZ4}: one or more LZ4 frames (lz4 frame format v1.6, magic {@code
 *       04 22 4D 18}) with independent blocks; block and content checksums optional.
 *   <li>{@code CODEC_ZSTD}: one or more Zstandard frames (RFC 8878), window at most {@code
 *       2^ZSTD_WINDOW_LOG_MAX} bytes, no dictionary.
 * </ul>
 *
 * Decompression is streaming and bounded by the caller's {@code decompressedBytesMax}; malformed
 * input of any kind surfaces as an {@link IOException}, never as a codec's RuntimeException.
 */
public final class Codecs {
  /**
   * Largest zstd window a decoder accepts (16 MiB): bounds a decoder's memory whatever a frame
   * header claims. Every standard level up to 19 stays within it; only levels 20+ and long mode
   * use bigger windows.
   */
  public static final int ZSTD_WINDOW_LOG_MAX = 24;

  /** zstd's own default level: most of the ratio of higher levels at a fraction of the CPU. */
  private static final int ZSTD_LEVEL = 3;

  /** Thrown when a batch decompresses to more than the caller allows. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long decompressedBytesMax) {
      super("the records decompress to more than " + decompressedBytesMax + " bytes");
    }
  }

  private Codecs() {}

  /** {@code recordSet} (a serialized RecordSet) compressed with {@code codec}; NONE returns it as is. */
  public static ByteString compress(Codec codec, ByteString recordSet) {
    switch (codec) {
      case CODEC_NONE:
        return recordSet;
      case CODEC_LZ4:
        try {
          ByteString.Output out = ByteString.newOutput(Math.max(64, recordSet.size() / 2));
          try (LZ4FrameOutputStream lz4 =
              new LZ4FrameOutputStream(
                  out,
                  LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                  recordSet.size(),
                  LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                  LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
            recordSet.writeTo(lz4);
          }
          return out.toByteString();
        } catch (IOException e) {
          throw new IllegalStateException("in-memory LZ4 compression failed", e);
        }
      case CODEC_ZSTD:
        return ByteString.copyFrom(Zstd.compress(recordSet.toByteArray(), ZSTD_LEVEL));
      default:
        throw new IllegalArgumentException("not a codec: " + codec);
    }
  }

  /**
   * A stream that compresses what is written to it with {@code codec} into {@code out}; closing
   * it finishes the frame and closes {@code out}. NONE writes through unchanged.
   */
  public static OutputStream compressing(Codec codec, OutputStream out) throws IOException {
    switch (codec) {
      case CODEC_NONE:
        return out;
      case CODEC_LZ4:
        return new LZ4FrameOutputStream(
            out,
            LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
      case CODEC_ZSTD:
        return new ZstdOutputStreamNoFinalizer(out, ZSTD_LEVEL);
      default:
        throw new IllegalArgumentException("not a codec: " + codec);
    }
  }

  /**
   * The serialized RecordSet inside {@code compressed}, read through a stream so at most {@code
   * decompressedBytesMax} bytes are produced. The caller closes the stream (zstd holds native
   * memory until then).
   */
  public static InputStream decompressing(Codec codec, InputStream compressed, long decompressedBytesMax)
      throws IOException {
    InputStream raw;
    try {
      switch (codec) {
        case CODEC_NONE:
          raw = compressed;
          break;
        case CODEC_LZ4:
          raw = new LZ4FrameInputStream(compressed);
          break;
        case CODEC_ZSTD:
          raw = new ZstdInputStreamNoFinalizer(compressed).setLongMax(ZSTD_WINDOW_LOG_MAX);
          break;
        default:
          throw new IllegalArgumentException("not a codec: " + codec);
      }
    } catch (RuntimeException e) {
      // LZ4FrameInputStream reads the frame header in its constructor.
      throw asIOException(e);
    }
    return new GuardedInputStream(raw, decompressedBytesMax);
  }

  /** The serialized RecordSet inside {@code compressed}, at most {@code decompressedBytesMax} bytes. */
  public static ByteString decompress(Codec codec, ByteString compressed, long decompressedBytesMax)
      throws IOException {
    if (codec == Codec.CODEC_NONE) {
      return compressed;
    }
    try (InputStream in = decompressing(codec, compressed.newInput(), decompressedBytesMax)) {
      return ByteString.readFrom(in);
    }
  }

  private static IOException asIOException(RuntimeException e) {
    return new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
  }

  /**
   * Counts what the decoder produces against the bound, and turns the codecs' unchecked
   * exceptions on malformed input (LZ4Exception, ZstdException) into IOExceptions.
   */
  private static final class GuardedInputStream extends ReadThroughInputStream {
    private final long bytesMax;
    private long bytesRead;

    GuardedInputStream(InputStream in, long bytesMax) {
      super(in);
      this.bytesMax = bytesMax;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (RuntimeException e) {
        throw asIOException(e);
      }
      if (n > 0) {
        bytesRead += n;
        if (bytesRead > bytesMax) {
          throw new TooLargeException(bytesMax);
        }
      }
      return n;
    }
  }
}
