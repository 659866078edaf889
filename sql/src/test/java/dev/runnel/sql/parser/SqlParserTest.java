package dev.runnel.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.ast.WindowSpec;
import dev.runnel.sql.types.SqlType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlParserTest {
  static final String SEED = """
      CREATE STREAM possible_fraud AS
        SELECT card_number, count(*)
        FROM authorization_attempts
        WINDOW TUMBLING (SIZE 5 MINUTE)
        GROUP BY card_number
        HAVING count(*) > 3;""";

  @Test
  void the_seed_statement_parses_as_written() {
    List<SqlParser.Parsed> parsed = SqlParser.parse(SEED);
    assertEquals(1, parsed.size());
    Statement.CreateAsSelect c = assertInstanceOf(Statement.CreateAsSelect.class, parsed.get(0).statement());
    assertEquals("POSSIBLE_FRAUD", c.name());
    assertEquals(Statement.SourceKind.STREAM, c.kind());
    Query q = c.query();
    assertEquals(new WindowSpec(WindowSpec.Type.TUMBLING, 300_000, 300_000, null, null), q.window());
    assertEquals(List.of(new Expr.Column(null, "CARD_NUMBER", null)), q.groupBy());
    Expr.Compare having = assertInstanceOf(Expr.Compare.class, q.having());
    assertEquals(new Expr.Call("COUNT", List.of(), true, false, null), having.left());
    assertEquals(new Expr.Literal(3, SqlType.INTEGER, null), having.right());
    assertTrue(parsed.get(0).text().startsWith("CREATE STREAM possible_fraud AS"));
  }

  @Test
  void statements_of_every_kind_parse() {
    String sql = """
        CREATE STREAM authorization_attempts (card_number VARCHAR, amount DOUBLE, ts BIGINT)
          WITH (kafka_topic='authorization_attempts', value_format='JSON', partitions=3, timestamp='ts');
        CREATE TABLE cards (card_number VARCHAR PRIMARY KEY, owner STRING) WITH (kafka_topic='cards', value_format='JSON');
        CREATE TABLE totals WITH (kafka_topic='totals') AS SELECT card_number, SUM(amount) AS total
          FROM authorization_attempts WINDOW HOPPING (SIZE 10 MINUTES, ADVANCE BY 5 MINUTES, GRACE PERIOD 1 MINUTE)
          GROUP BY card_number EMIT FINAL;
        INSERT INTO s2 SELECT * FROM s1 WHERE a IS NOT NULL PARTITION BY b;
        INSERT INTO s1 (a, b) VALUES ('x', 1.5);
        DROP STREAM IF EXISTS s2 DELETE TOPIC;
        SHOW STREAMS; LIST TABLES; SHOW QUERIES EXTENDED; SHOW TOPICS; SHOW PROPERTIES;
        DESCRIBE EXTENDED cards;
        TERMINATE CSAS_X_0; TERMINATE ALL;
        PRINT 'authorization_attempts' FROM BEGINNING LIMIT 5;
        SET 'auto.offset.reset'='earliest'; UNSET 'auto.offset.reset';
        SELECT a.card_number, c.owner FROM authorization_attempts a LEFT JOIN cards c ON a.card_number = c.card_number
          EMIT CHANGES LIMIT 10;
        SELECT * FROM l JOIN r WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 5 MINUTES ON l.id = r.id EMIT CHANGES;
        SELECT k, COUNT(*) FROM s WINDOW SESSION (30 SECONDS) GROUP BY k EMIT CHANGES;
        """;
    List<SqlParser.Parsed> parsed = SqlParser.parse(sql);
    assertEquals(20, parsed.size());
    Statement.Print print = assertInstanceOf(Statement.Print.class, parsed.get(14).statement());
    assertEquals("authorization_attempts", print.topic());
    assertEquals(5, print.limit());
    Statement.SelectStatement join = assertInstanceOf(Statement.SelectStatement.class, parsed.get(18).statement());
    Query.Join j = assertInstanceOf(Query.Join.class, join.query().from());
    assertEquals(3_600_000L, j.withinBeforeMs());
    assertEquals(7_200_000L, j.withinAfterMs());
    assertEquals(300_000L, j.graceMs());
  }

  @Test
  void syntax_errors_name_line_and_column() {
    SqlException e = assertThrows(SqlException.class, () -> SqlParser.parse("SELECT a\nFROM s\nWHERE a = ;"));
    assertEquals(3, e.line());
    assertEquals(11, e.column());
    assertTrue(e.describe().startsWith("line 3:11: Syntax error at or near ';'"), e.describe());
  }

  @Test
  void bad_units_types_and_characters_are_clear() {
    SqlException unit = assertThrows(SqlException.class,
        () -> SqlParser.parse("SELECT a FROM s WINDOW TUMBLING (SIZE 5 FORTNIGHTS) GROUP BY a EMIT CHANGES;"));
    assertTrue(unit.getMessage().contains("Unknown time unit 'FORTNIGHTS'"), unit.getMessage());
    assertEquals(1, unit.line());
    SqlException type = assertThrows(SqlException.class,
        () -> SqlParser.parse("CREATE STREAM s (a FLOAT8) WITH (kafka_topic='t');"));
    assertTrue(type.getMessage().contains("Unknown type 'FLOAT8'"), type.getMessage());
    SqlException missingSemicolon = assertThrows(SqlException.class, () -> SqlParser.parse("SHOW STREAMS"));
    assertTrue(missingSemicolon.getMessage().contains("at end of input"), missingSemicolon.getMessage());
  }

  @Test
  void identifiers_are_upper_cased_unless_back_quoted_and_comments_are_skipped() {
    Statement.SelectStatement s = (Statement.SelectStatement) SqlParser.parseOne(
        "-- a comment\nSELECT `MixedCase`, plain /* block */ FROM src EMIT CHANGES").statement();
    Query.SingleColumn first = (Query.SingleColumn) s.query().select().get(0);
    Query.SingleColumn second = (Query.SingleColumn) s.query().select().get(1);
    assertEquals("MixedCase", ((Expr.Column) first.expr()).name());
    assertEquals("PLAIN", ((Expr.Column) second.expr()).name());
  }
}
