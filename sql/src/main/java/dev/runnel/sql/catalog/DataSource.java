package dev.runnel.sql.catalog;

import dev.runnel.sql.ast.Statement.SourceKind;
import dev.runnel.sql.ast.WindowSpec;
import java.util.List;

/**
 * A stream or table the engine knows: its columns (keys first), the topic behind it and how its
 * records are encoded. {@code window} is non-null when its key is windowed (the output of a
 * windowed aggregation); {@code timestampColumn} null means the record timestamp is event time.
 */
public record DataSource(
    String name,
    SourceKind kind,
    List<Column> columns,
    String topic,
    String keyFormat,
    String valueFormat,
    String valueDelimiter,
    String timestampColumn,
    Window window,
    int partitions,
    String sql) {

  /** How a windowed key is laid out: tumbling/hopping keys carry the start, session keys start and end. */
  public record Window(WindowSpec.Type type, long sizeMs) {}

  public DataSource {
    columns = List.copyOf(columns);
  }

  public List<Column> keyColumns() {
    return columns.stream().filter(Column::key).toList();
  }

  public List<Column> valueColumns() {
    return columns.stream().filter(c -> !c.key()).toList();
  }

  /** Index of the column named {@code name} (exact, names are already normalized), or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public boolean isTable() {
    return kind == SourceKind.TABLE;
  }
}
