package dev.runnel.sql.ast;

import dev.runnel.sql.types.SqlType;
import java.util.List;
import java.util.Map;

/** One parsed statement; {@code text} is its source text (for SHOW QUERIES and the command log). */
public sealed interface Statement {
  Pos pos();

  enum SourceKind { STREAM, TABLE }

  record ColumnDef(String name, SqlType type, boolean key, Pos pos) {}

  record CreateSource(
      SourceKind kind, String name, boolean orReplace, boolean ifNotExists,
      List<ColumnDef> columns, Map<String, Object> properties, Pos pos) implements Statement {}

  record CreateAsSelect(
      SourceKind kind, String name, boolean orReplace, boolean ifNotExists,
      Map<String, Object> properties, Query query, Pos pos) implements Statement {}

  record InsertInto(String target, Query query, Pos pos) implements Statement {}

  /** {@code columns} empty: all columns of the target in order (keys first). */
  record InsertValues(String target, List<String> columns, List<Expr> values, Pos pos) implements Statement {}

  record DropSource(SourceKind kind, String name, boolean ifExists, boolean deleteTopic, Pos pos) implements Statement {}

  enum ShowWhat { STREAMS, TABLES, QUERIES, TOPICS, PROPERTIES }

  record Show(ShowWhat what, boolean extended, Pos pos) implements Statement {}

  record Describe(String name, boolean extended, Pos pos) implements Statement {}

  /** {@code queryId} null: TERMINATE ALL. */
  record Terminate(String queryId, Pos pos) implements Statement {}

  /** {@code limit} null: until the caller stops. */
  record Print(String topic, boolean fromBeginning, Integer limit, Pos pos) implements Statement {}

  record SetProperty(String name, String value, Pos pos) implements Statement {}

  record UnsetProperty(String name, Pos pos) implements Statement {}

  /** A bare SELECT: a push query (EMIT CHANGES) or a pull query on a table. */
  record SelectStatement(Query query, Pos pos) implements Statement {}
}
