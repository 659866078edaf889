package dev.runnel.sql.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.runnel.sql.PullQuery;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.engine.Row;

/** Pull queries on {@code POST /query}: {@link PullQuery}'s answer in ksqlDB's JSON shape. */
final class PullQueries {
  private final SqlEngine engine;
  private final int recordsReadMax;

  /** {@code recordsReadMax}: a pull query reads at most this many records; a bigger table needs a push query. */
  PullQueries(SqlEngine engine, int recordsReadMax) {
    this.engine = engine;
    this.recordsReadMax = recordsReadMax;
  }

  /** The response body: a JSON array with the header and one element per row. */
  ArrayNode run(Statement.SelectStatement select) {
    PullQuery.Result result = PullQuery.run(engine, select, recordsReadMax);
    ArrayNode out = KsqlJson.MAPPER.createArrayNode();
    out.add(KsqlJson.queryHeader(result.name(), result.columns(), result.windowed()));
    for (Row row : result.rows()) {
      out.add(KsqlJson.row(row, result.columns(), result.windowed()));
    }
    return out;
  }
}
