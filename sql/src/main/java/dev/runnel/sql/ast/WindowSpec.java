package dev.runnel.sql.ast;

/**
 * A WINDOW clause: TUMBLING (size), HOPPING (size, advance) or SESSION (gap = sizeMs).
 * {@code graceMs} null when not given (the engine applies its default).
 */
public record WindowSpec(Type type, long sizeMs, long advanceMs, Long graceMs, Long retentionMs) {
  public enum Type { TUMBLING, HOPPING, SESSION }
}
