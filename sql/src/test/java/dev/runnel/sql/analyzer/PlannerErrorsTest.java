package dev.runnel.sql.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.TestCatalog;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.catalog.Catalog;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.parser.SqlParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad queries get one clear message with a position; good ones get the expected plan. */
class PlannerErrorsTest {
  private final Catalog catalog = TestCatalog.catalog();

  private QueryPlan plan(String sql, boolean persistent) {
    Statement s = SqlParser.parseOne(sql).statement();
    var q = s instanceof Statement.CreateAsSelect c ? c.query() : ((Statement.SelectStatement) s).query();
    return new QueryPlanner(catalog).plan(q, persistent);
  }

  private SqlException error(String sql) {
    return assertThrows(SqlException.class, () -> plan(sql, true));
  }

  private static void contains(SqlException e, String text) {
    assertTrue(e.getMessage().contains(text), "message was: " + e.getMessage());
    assertTrue(e.line() > 0, "no position in: " + e.getMessage());
  }

  @Test
  void seed_query_plans_to_a_windowed_aggregation_keyed_by_card_number() {
    QueryPlan p = plan(
        "CREATE STREAM possible_fraud AS SELECT card_number, count(*) FROM authorization_attempts"
            + " WINDOW TUMBLING (SIZE 5 MINUTE) GROUP BY card_number HAVING count(*) > 3;", true);
    assertEquals(List.of(new Column("CARD_NUMBER", dev.runnel.sql.types.SqlType.STRING, true),
        new Column("KSQL_COL_0", dev.runnel.sql.types.SqlType.BIGINT, false)), p.outputColumns());
    assertEquals(QueryPlanner.DEFAULT_GRACE_MS, p.aggregation().graceMs());
    assertTrue(p.aggregation().repartition(), "the stream has no key: GROUP BY re-keys it");
  }

  @Test
  void unknown_stream_and_column() {
    contains(error("CREATE STREAM x AS SELECT a FROM nowhere;"), "Unknown stream or table 'NOWHERE'");
    SqlException col = error("CREATE STREAM x AS SELECT card_numbr FROM authorization_attempts;");
    contains(col, "Unknown column 'CARD_NUMBR'");
    assertEquals(1, col.line());
    assertEquals(27, col.column());
  }

  @Test
  void type_errors() {
    contains(error("CREATE STREAM x AS SELECT card_number + 1 FROM authorization_attempts;"), "needs numeric operands");
    contains(error("CREATE STREAM x AS SELECT * FROM authorization_attempts WHERE amount;"), "WHERE needs a BOOLEAN");
    contains(error("CREATE STREAM x AS SELECT * FROM authorization_attempts WHERE amount = 'x';"), "Cannot compare DOUBLE = STRING");
    contains(error("CREATE STREAM x AS SELECT UCASE(amount) FROM authorization_attempts;"), "Function UCASE does not accept (DOUBLE)");
    contains(error("CREATE STREAM x AS SELECT NOSUCH(amount) FROM authorization_attempts;"), "Unknown function 'NOSUCH'");
    contains(error("CREATE STREAM x AS SELECT address->street FROM authorization_attempts;"), "has no field 'STREET'");
    contains(error("CREATE STREAM x AS SELECT SUM(card_number) AS s, card_number FROM authorization_attempts GROUP BY card_number;"),
        "SUM needs a numeric argument");
  }

  @Test
  void non_aggregate_column_outside_group_by() {
    contains(error("CREATE TABLE x AS SELECT card_number, amount, COUNT(*) FROM authorization_attempts GROUP BY card_number;"),
        "Non-aggregate column 'AMOUNT' must be part of GROUP BY");
    contains(error("CREATE TABLE x AS SELECT card_number, COUNT(*) FROM authorization_attempts GROUP BY card_number"
        + " HAVING amount > 1;"), "Non-aggregate column 'AMOUNT'");
    contains(error("CREATE STREAM x AS SELECT COUNT(*) FROM authorization_attempts;"), "needs a GROUP BY");
    contains(error("CREATE TABLE x AS SELECT COUNT(*) AS n FROM authorization_attempts GROUP BY card_number;"),
        "Key missing from projection");
    contains(error("CREATE TABLE x AS SELECT card_number, SUM(COUNT(*)) FROM authorization_attempts GROUP BY card_number;"),
        "cannot be nested");
    contains(error("CREATE STREAM x AS SELECT * FROM authorization_attempts WHERE COUNT(*) > 1;"), "not allowed in WHERE");
  }

  @Test
  void expressions_of_group_by_columns_are_allowed_after_aggregation() {
    QueryPlan p = plan("CREATE TABLE x AS SELECT card_number, UCASE(card_number) AS up, COUNT(*) * 2 AS twice,"
        + " WINDOWSTART AS ws FROM authorization_attempts WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY card_number;", true);
    assertEquals(List.of("CARD_NUMBER", "UP", "TWICE", "WS"), p.outputColumns().stream().map(Column::name).toList());
    assertFalse(p.outputColumns().get(1).key());
  }

  @Test
  void join_rules() {
    catalog.put(TestCatalog.cards(4));
    contains(error("CREATE STREAM j AS SELECT a.card_number, c.owner FROM authorization_attempts a"
        + " JOIN cards c ON a.card_number = c.card_number;"), "not co-partitioned");
    catalog.put(TestCatalog.cards(1));
    contains(error("CREATE STREAM j AS SELECT a.card_number, c.owner FROM authorization_attempts a"
        + " JOIN cards c ON a.merchant = c.owner;"), "PRIMARY KEY of table CARDS");
    contains(error("CREATE STREAM j AS SELECT c.owner FROM cards c JOIN authorization_attempts a"
        + " ON a.card_number = c.card_number;"), "the stream must be on the left");
    contains(error("CREATE STREAM j AS SELECT card_number FROM authorization_attempts a"
        + " JOIN cards c ON a.card_number = c.card_number;"), "ambiguous");
    QueryPlan ok = plan("CREATE STREAM j AS SELECT a.card_number, c.owner, a.amount FROM authorization_attempts a"
        + " LEFT JOIN cards c ON a.card_number = c.card_number;", true);
    assertEquals(QueryPlan.JoinKind.STREAM_TABLE, ok.join().kind());
    assertTrue(ok.outputColumns().get(0).key());
  }

  @Test
  void clause_rules() {
    contains(error("CREATE STREAM x AS SELECT * FROM authorization_attempts LIMIT 3;"), "LIMIT is only allowed in push queries");
    contains(error("CREATE STREAM x AS SELECT * FROM authorization_attempts EMIT FINAL;"), "EMIT FINAL is only supported");
    contains(error("CREATE STREAM x AS SELECT card_number, card_number FROM authorization_attempts;"), "Duplicate output column");
    contains(error("CREATE STREAM x AS SELECT WINDOWSTART FROM authorization_attempts;"), "WINDOWSTART is only available");
  }
}
