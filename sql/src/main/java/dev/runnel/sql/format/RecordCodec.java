package dev.runnel.sql.format;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.WindowSpec;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Records of one source to rows and back. A row holds the source's columns in order, then the
 * pseudo columns ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND (the last two null for
 * unwindowed sources). Windowed keys carry the window after the key columns' bytes: 8 bytes
 * big-endian start (tumbling, hopping) or 8 bytes end then 8 bytes start (session), as Kafka
 * Streams lays them out.
 */
public final class RecordCodec {
  public static final int PSEUDO_COLUMNS = 5;
  private final DataSource source;
  private final Serde key;
  private final Serde value;
  private final int[] keyIndexes;
  private final int[] valueIndexes;
  private final int timestampIndex;

  public RecordCodec(DataSource source) {
    this.source = source;
    List<Column> keys = source.keyColumns();
    List<Column> values = source.valueColumns();
    this.key = Formats.of(source.keyFormat(), keys, null, true);
    this.value = Formats.of(source.valueFormat(), values, source.valueDelimiter(), false);
    this.keyIndexes = keys.stream().mapToInt(c -> source.indexOf(c.name())).toArray();
    this.valueIndexes = values.stream().mapToInt(c -> source.indexOf(c.name())).toArray();
    this.timestampIndex = source.timestampColumn() == null ? -1 : source.indexOf(source.timestampColumn());
  }

  public DataSource source() {
    return source;
  }

  public int rowWidth() {
    return source.columns().size() + PSEUDO_COLUMNS;
  }

  public int rowtimeIndex() {
    return source.columns().size();
  }

  /** A decoded record; {@code tombstone} when a table record has no value (a delete). */
  public record Decoded(Object[] row, boolean tombstone, byte[] keyBytes) {}

  public Decoded decode(byte[] keyBytes, byte[] valueBytes, long timestampMs, int partition, long offset) {
    int n = source.columns().size();
    Object[] row = new Object[n + PSEUDO_COLUMNS];
    byte[] plainKey = keyBytes;
    DataSource.Window window = source.window();
    if (window != null && keyBytes != null) {
      int suffix = window.type() == WindowSpec.Type.SESSION ? 16 : 8;
      if (keyBytes.length < suffix) {
        throw new SqlException("windowed key too short: " + keyBytes.length + " bytes");
      }
      ByteBuffer b = ByteBuffer.wrap(keyBytes, keyBytes.length - suffix, suffix);
      if (window.type() == WindowSpec.Type.SESSION) {
        long end = b.getLong();
        row[n + 3] = b.getLong();
        row[n + 4] = end;
      } else {
        long start = b.getLong();
        row[n + 3] = start;
        row[n + 4] = start + window.sizeMs();
      }
      plainKey = Arrays.copyOf(keyBytes, keyBytes.length - suffix);
    }
    if (keyIndexes.length > 0) {
      Object[] keys = key.decode(plainKey);
      for (int i = 0; i < keyIndexes.length; i++) {
        row[keyIndexes[i]] = keys[i];
      }
    }
    boolean tombstone = valueBytes == null;
    if (!tombstone) {
      Object[] values = value.decode(valueBytes);
      for (int i = 0; i < valueIndexes.length; i++) {
        row[valueIndexes[i]] = values[i];
      }
    }
    long rowtime = timestampMs;
    if (timestampIndex >= 0 && !tombstone) {
      Object ts = row[timestampIndex];
      if (!(ts instanceof Number num)) {
        throw new SqlException("timestamp column " + source.timestampColumn() + " is null or not a number");
      }
      rowtime = num.longValue();
    }
    row[n] = rowtime;
    row[n + 1] = partition;
    row[n + 2] = offset;
    return new Decoded(row, tombstone, keyBytes);
  }

  /** Key bytes of the key column values (in key column order), with the window appended when given. */
  public byte[] encodeKey(Object[] keyValues, Long windowStart, Long windowEnd) {
    byte[] plain = keyIndexes.length == 0 ? null : key.encode(keyValues);
    if (source.window() == null || windowStart == null) {
      return plain;
    }
    byte[] base = plain == null ? new byte[0] : plain;
    boolean session = source.window().type() == WindowSpec.Type.SESSION;
    ByteBuffer b = ByteBuffer.allocate(base.length + (session ? 16 : 8)).put(base);
    if (session) {
      b.putLong(windowEnd);
    }
    b.putLong(windowStart);
    return b.array();
  }

  /** Value bytes of the value column values (in value column order). */
  public byte[] encodeValue(Object[] valueValues) {
    return value.encode(valueValues);
  }
}
