package dev.runnel.connectors.jdbc;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a table's source stopped: the last incrementing value and/or the last timestamp (kept to
 * the nanosecond: PostgreSQL timestamps have microseconds, and a millisecond offset would read
 * the last row again forever). Null fields are not part of the mode.
 */
record SourceOffset(Long incrementing, Timestamp timestamp) {
  static final String INCREMENTING = "incrementing";
  static final String TIMESTAMP_MS = "timestamp_ms";
  static final String TIMESTAMP_NANOS = "timestamp_nanos";

  Map<String, Object> toMap() {
    Map<String, Object> map = new HashMap<>();
    if (incrementing != null) {
      map.put(INCREMENTING, incrementing);
    }
    if (timestamp != null) {
      map.put(TIMESTAMP_MS, timestamp.getTime());
      map.put(TIMESTAMP_NANOS, timestamp.getNanos());
    }
    return map;
  }

  /** Null when the runtime has no offset (or one without this mode's fields) for the partition. */
  static SourceOffset fromMap(Map<String, ?> map, QueryMode mode) {
    if (map == null) {
      return null;
    }
    // Offsets come back through a converter: numbers may be Integer or Long.
    Long incrementing = map.get(INCREMENTING) instanceof Number n ? n.longValue() : null;
    Timestamp timestamp = null;
    if (map.get(TIMESTAMP_MS) instanceof Number ms) {
      timestamp = new Timestamp(ms.longValue());
      if (map.get(TIMESTAMP_NANOS) instanceof Number nanos) {
        timestamp.setNanos(nanos.intValue());
      }
    }
    if ((mode.usesIncrementing() && incrementing == null) || (mode.usesTimestamp() && timestamp == null)) {
      return null;
    }
    return new SourceOffset(mode.usesIncrementing() ? incrementing : null, mode.usesTimestamp() ? timestamp : null);
  }
}
