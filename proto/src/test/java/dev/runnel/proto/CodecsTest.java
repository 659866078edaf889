package dev.runnel.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.Header;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CodecsTest {
  private static final long MAX = 64 << 20;

  /**
   * The RecordSet the reference CLIs compressed below: two records, the first with key, value, a
   * header and a timestamp, the second without a value.
   */
  private static final byte[] REFERENCE_RECORDS =
      HexFormat.of()
          .parseHex(
              "0a2c0a026b31121768656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f1a060a0168120176"
                  + "2080d095ffbc310a0b0a026b322081d095ffbc31");
  /** {@code lz4 --content-size} (lz4 CLI v1.9.4, independent blocks, its default). */
  private static final String LZ4_CLI =
      "BCJNGGxAOwAAAAAAAACULwAAAO0KLAoCazESF2hlbGxvIAYA8A0aBgoBaBIBdiCA0JX/vDEKCwoCazIggdCV/7wxAAAAAKJZbJs=";
  /** {@code zstd} (zstd CLI v1.5.4, default level). */
  private static final String ZSTD_CLI =
      "KLUv/SQ7jQEApAIKLAoCazESF2hlbGxvIBoGCgFoEgF2IIDQlf+8MQoLCgJrMiCB0JX/vDEBAJmLEjDcjss=";

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_NONE", "CODEC_LZ4", "CODEC_ZSTD"})
  void roundTripsByteForByte(Codec codec) throws IOException {
    ByteString plain = sampleRecordSet(2_000).toByteString();
    ByteString compressed = Codecs.compress(codec, plain);
    if (codec != Codec.CODEC_NONE) {
      assertTrue(compressed.size() < plain.size() / 2, codec + ": " + compressed.size() + " of " + plain.size());
    }
    assertEquals(plain, Codecs.decompress(codec, compressed, MAX));
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_LZ4", "CODEC_ZSTD"})
  void streamingCompressionReadsBackToo(Codec codec) throws IOException {
    ByteString plain = sampleRecordSet(500).toByteString();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = Codecs.compressing(codec, sink)) {
      plain.writeTo(out);
    }
    assertEquals(plain, Codecs.decompress(codec, ByteString.copyFrom(sink.toByteArray()), MAX));
  }

  @Test
  void readsWhatTheReferenceCommandLineToolsWrite() throws IOException {
    ByteString lz4 = ByteString.copyFrom(Base64.getDecoder().decode(LZ4_CLI));
    ByteString zstd = ByteString.copyFrom(Base64.getDecoder().decode(ZSTD_CLI));
    assertArrayEquals(REFERENCE_RECORDS, Codecs.decompress(Codec.CODEC_LZ4, lz4, MAX).toByteArray());
    assertArrayEquals(REFERENCE_RECORDS, Codecs.decompress(Codec.CODEC_ZSTD, zstd, MAX).toByteArray());
    RecordSet set = RecordSet.parseFrom(REFERENCE_RECORDS);
    assertEquals("k1", set.getRecords(0).getKey().toStringUtf8());
    assertTrue(!set.getRecords(1).hasValue());
  }

  @Test
  void linkedLz4BlocksAreRefusedAsDocumented() {
    byte[] frame = Base64.getDecoder().decode(LZ4_CLI);
    // Frame descriptor: FLG (byte 4), BD, 8-byte content size, then HC = second byte of the
    // descriptor's xxHash32. Clearing FLG's block-independence bit (5) = what `lz4 -BD` writes.
    frame[4] &= ~(1 << 5);
    frame[14] = (byte) (XXHashFactory.safeInstance().hash32().hash(frame, 4, 10, 0) >> 8);
    IOException e =
        assertThrows(IOException.class, () -> Codecs.decompress(Codec.CODEC_LZ4, ByteString.copyFrom(frame), MAX));
    assertTrue(e.getMessage().contains("unsupported"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_LZ4", "CODEC_ZSTD"})
  void garbageAndTruncatedInputAreIOExceptions(Codec codec) {
    byte[] garbage = new byte[300];
    new SplittableRandom(7).nextBytes(garbage);
    assertThrows(IOException.class, () -> Codecs.decompress(codec, ByteString.copyFrom(garbage), MAX));
    ByteString good = Codecs.compress(codec, sampleRecordSet(200).toByteString());
    ByteString truncated = good.substring(0, good.size() / 2);
    assertThrows(IOException.class, () -> Codecs.decompress(codec, truncated, MAX));
    ByteString flipped = flipByte(good, good.size() / 2);
    assertNotEquals(good, flipped);
    // A flipped byte may still decode (neither codec checksums content by default) but must never
    // throw anything other than an IOException; the CRC32C over the compressed bytes catches it.
    try {
      Codecs.decompress(codec, flipped, MAX);
    } catch (IOException expected) {
      // fine
    }
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_LZ4", "CODEC_ZSTD"})
  void decompressionStopsAtTheBound(Codec codec) {
    ByteString plain = ByteString.copyFrom(new byte[1 << 20]); // compresses to almost nothing
    ByteString compressed = Codecs.compress(codec, plain);
    assertTrue(compressed.size() < 10_000);
    assertThrows(Codecs.TooLargeException.class, () -> Codecs.decompress(codec, compressed, 64 << 10));
  }

  static RecordSet sampleRecordSet(int records) {
    RecordSet.Builder set = RecordSet.newBuilder();
    for (int i = 0; i < records; i++) {
      Record.Builder r =
          Record.newBuilder()
              .setKey(ByteString.copyFromUtf8("user-" + (i % 50)))
              .setTimestampMs(1_700_000_000_000L + i)
              .addHeaders(Header.newBuilder().setKey("source").setValue(ByteString.copyFromUtf8("test")));
      if (i % 10 != 0) {
        r.setValue(ByteString.copyFromUtf8("{\"id\":" + i + ",\"name\":\"item-" + i + "\",\"active\":true}"));
      }
      set.addRecords(r);
    }
    return set.build();
  }

  private static ByteString flipByte(ByteString bytes, int index) {
    byte[] copy = bytes.toByteArray();
    copy[index] ^= 0x5a;
    return ByteString.copyFrom(copy);
  }
}
