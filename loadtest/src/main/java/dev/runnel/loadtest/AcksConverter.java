package dev.runnel.loadtest;

import dev.runnel.proto.v1.Acks;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --acks quorum|all|leader|none} → the protocol's Acks. */
public final class AcksConverter implements ITypeConverter<Acks> {
  @Override
  public Acks convert(String value) {
    switch (value) {
      case "quorum":
        return Acks.ACKS_QUORUM;
      case "all":
        return Acks.ACKS_ALL;
      case "leader":
        return Acks.ACKS_LEADER;
      case "none":
        return Acks.ACKS_NONE;
      default:
        throw new TypeConversionException("'" + value + "' is not quorum, all, leader or none");
    }
  }
}
