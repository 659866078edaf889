package dev.runnel.loadtest;

import dev.runnel.proto.v1.Codec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --compression none|lz4|zstd} → the protocol's Codec. */
public final class CompressionConverter implements ITypeConverter<Codec> {
  @Override
  public Codec convert(String value) {
    switch (value) {
      case "none":
        return Codec.CODEC_NONE;
      case "lz4":
        return Codec.CODEC_LZ4;
      case "zstd":
        return Codec.CODEC_ZSTD;
      default:
        throw new TypeConversionException("'" + value + "' is not none, lz4 or zstd");
    }
  }
}
