package dev.runnel.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runnel.connectors.jdbc.JdbcDialect.ColumnDef;
import java.util.List;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

/** The SQL each dialect writes, checked as text (the SQLite and PostgreSQL tests run it). */
class JdbcDialectTest {
  private static final TableId ORDERS = TableId.parse("shop.orders");

  @Test
  void the_url_picks_the_dialect() {
    assertEquals("postgresql", JdbcDialect.forUrl("jdbc:postgresql://127.0.0.1/db").name());
    assertEquals("sqlite", JdbcDialect.forUrl("JDBC:SQLITE:/tmp/x.db").name());
    assertEquals("generic", JdbcDialect.forUrl("jdbc:h2:mem:x").name());
    assertFalse(JdbcDialect.forUrl("jdbc:h2:mem:x").supportsUpsert());
  }

  @Test
  void upsert_is_insert_on_conflict_update_of_the_other_columns() {
    JdbcDialect postgres = JdbcDialect.forUrl("jdbc:postgresql://h/db");
    assertEquals("INSERT INTO \"shop\".\"orders\" (\"id\", \"name\", \"qty\") VALUES (?, ?, ?)"
            + " ON CONFLICT (\"id\") DO UPDATE SET \"name\" = excluded.\"name\", \"qty\" = excluded.\"qty\"",
        postgres.upsertSql(ORDERS, List.of("id", "name", "qty"), List.of("id")));
    assertEquals("INSERT INTO \"t\" (\"a\", \"b\") VALUES (?, ?) ON CONFLICT (\"a\", \"b\") DO NOTHING",
        JdbcDialect.forUrl("jdbc:sqlite:x").upsertSql(TableId.parse("t"), List.of("a", "b"), List.of("a", "b")));
    assertThrows(UnsupportedOperationException.class,
        () -> JdbcDialect.forUrl("jdbc:h2:x").upsertSql(ORDERS, List.of("id"), List.of("id")));
  }

  @Test
  void identifiers_are_quoted_with_embedded_quotes_doubled() {
    assertEquals("\"we\"\"ird\"", JdbcDialect.forUrl("jdbc:sqlite:x").quote("we\"ird"));
    assertEquals(new TableId(null, "plain"), TableId.parse("plain"));
    assertEquals(new TableId("s", "t.u"), TableId.parse("s.t.u"));
  }

  @Test
  void create_table_maps_connect_types_and_declares_the_key() {
    List<ColumnDef> columns = List.of(
        new ColumnDef("id", Schema.INT64_SCHEMA),
        new ColumnDef("price", Decimal.builder(2).optional().build()),
        new ColumnDef("at", Timestamp.builder().optional().build()),
        new ColumnDef("note", Schema.OPTIONAL_STRING_SCHEMA));
    assertEquals("CREATE TABLE \"shop\".\"orders\" (\"id\" BIGINT NOT NULL, \"price\" NUMERIC,"
            + " \"at\" TIMESTAMP, \"note\" TEXT, PRIMARY KEY (\"id\"))",
        JdbcDialect.forUrl("jdbc:postgresql://h/db").createTableSql(ORDERS, columns, List.of("id")));
    assertEquals("CREATE TABLE \"orders\" (\"id\" INTEGER NOT NULL, \"price\" NUMERIC,"
            + " \"at\" TIMESTAMP, \"note\" TEXT)",
        JdbcDialect.forUrl("jdbc:sqlite:x").createTableSql(TableId.parse("orders"), columns, List.of()));
  }

  @Test
  void incremental_queries_bound_and_order_by_the_offset_columns() {
    JdbcDialect sqlite = JdbcDialect.forUrl("jdbc:sqlite:x");
    TableId t = TableId.parse("t");
    assertEquals("SELECT * FROM \"t\" WHERE \"id\" > ? ORDER BY \"id\"",
        IncrementalQuery.forTable(sqlite, t, QueryMode.INCREMENTING, "id", "").sql(true));
    assertEquals("SELECT * FROM \"t\" ORDER BY \"id\"",
        IncrementalQuery.forTable(sqlite, t, QueryMode.INCREMENTING, "id", "").sql(false));
    assertEquals("SELECT * FROM \"t\" WHERE \"ts\" > ? AND \"ts\" < ? ORDER BY \"ts\"",
        IncrementalQuery.forTable(sqlite, t, QueryMode.TIMESTAMP, "", "ts").sql(true));
    assertEquals("SELECT * FROM (SELECT a FROM b) runnel_query WHERE \"ts\" < ?"
            + " AND (\"ts\" > ? OR (\"ts\" = ? AND \"id\" > ?)) ORDER BY \"ts\", \"id\"",
        IncrementalQuery.forQuery(sqlite, "SELECT a FROM b", QueryMode.TIMESTAMP_INCREMENTING, "id", "ts").sql(true));
  }
}
