package dev.runnel.sql.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.sql.TestCatalog;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.analyzer.QueryPlanner;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.parser.SqlParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden inputs and outputs for each expression and function family, evaluated on one row. */
class ExpressionGoldenTest {
  /** CARD_NUMBER, AMOUNT, MERCHANT, ATTEMPTS, ADDRESS, TAGS, PROPS, then ROWTIME.. */
  private static Object[] row() {
    Object[] row = new Object[7 + RecordCodec.PSEUDO_COLUMNS];
    row[0] = "4111-1111-2222-3333";
    row[1] = 12.5;
    row[2] = "Acme Shop";
    row[3] = 7;
    Map<String, Object> address = new LinkedHashMap<>();
    address.put("CITY", "Lyon");
    address.put("ZIP", 69001);
    row[4] = address;
    row[5] = List.of("a", "b", "c");
    row[6] = Map.of("x", 10L);
    row[7] = 1_700_000_000_000L;
    row[8] = 0;
    row[9] = 42L;
    return row;
  }

  private static List<Object> eval(String selectList) {
    Statement.SelectStatement s = (Statement.SelectStatement) SqlParser.parseOne(
        "SELECT " + selectList + " FROM authorization_attempts EMIT CHANGES").statement();
    QueryPlan plan = new QueryPlanner(TestCatalog.catalog()).plan(s.query(), false);
    List<Object> out = new ArrayList<>();
    for (Evaluator e : plan.projection()) {
      out.add(e.eval(row()));
    }
    return out;
  }

  private static void golden(String selectList, Object... expected) {
    assertEquals(Arrays.asList(expected), eval(selectList), selectList);
  }

  @Test
  void arithmetic() {
    golden("attempts + 1, attempts * 2, attempts / 2, attempts % 4, amount * 2, -attempts, attempts / 0, 2 * 3 + 4",
        8, 14, 3, 3, 25.0, -7, null, 10);
    golden("attempts + 10000000000, amount + attempts, 'a' + 'b'", 10_000_000_007L, 19.5, "ab");
  }

  @Test
  void comparisons_and_logic() {
    golden("attempts > 5, amount <= 12.5, merchant <> 'x', attempts = 7.0, attempts >= 8",
        true, true, true, true, false);
    golden("attempts > 5 AND amount < 1, attempts > 5 OR amount < 1, NOT (attempts > 5)", false, true, false);
    golden("NULL AND FALSE, NULL OR TRUE, NULL AND TRUE, CAST(NULL AS INT) > 1", false, true, null, null);
  }

  @Test
  void like_in_between_is_null() {
    golden("merchant LIKE 'Acme%', merchant LIKE '_cme Shop', merchant NOT LIKE '%shop', 'a%b' LIKE 'a!%b' ESCAPE '!'",
        true, true, true, true);
    golden("attempts IN (1, 7, 9), merchant IN ('x', 'y'), attempts NOT IN (1, 2), attempts IN (1, NULL)",
        true, false, true, null);
    golden("attempts BETWEEN 7 AND 9, amount NOT BETWEEN 1 AND 20", true, false);
    golden("merchant IS NULL, merchant IS NOT NULL, CAST(NULL AS STRING) IS NULL", false, true, true);
  }

  @Test
  void case_and_cast() {
    golden("CASE WHEN amount > 100 THEN 'big' WHEN amount > 10 THEN 'medium' ELSE 'small' END", "medium");
    golden("CASE attempts WHEN 7 THEN 'seven' ELSE 'other' END, CASE WHEN FALSE THEN 1 END", "seven", null);
    golden("CAST(amount AS INT), CAST(attempts AS STRING), CAST('42' AS BIGINT), CAST('x' AS INT), CAST(1.9 AS BIGINT)",
        12, "7", 42L, null, 1L);
    golden("CAST('true' AS BOOLEAN), CAST(attempts AS DOUBLE)", true, 7.0);
  }

  @Test
  void structures() {
    golden("address->city, address->zip + 1, tags[1], tags[-1], tags[9], props['x'], props['nope']",
        "Lyon", 69002, "a", "c", null, 10L, null);
    golden("ARRAY[1, 2, 3][2], MAP('k' := 1)['k'], STRUCT(a := 1, b := 'x')->b", 2, 1, "x");
  }

  @Test
  void string_functions() {
    golden("UCASE(merchant), LCASE(merchant), LEN(merchant), TRIM('  x  '), LTRIM('  x'), RTRIM('x  ')",
        "ACME SHOP", "acme shop", 9, "x", "x", "x");
    golden("SUBSTRING(merchant, 6), SUBSTRING(merchant, 1, 4), SUBSTRING(merchant, -4), SUBSTRING(merchant, 20)",
        "Shop", "Acme", "Shop", "");
    golden("CONCAT(merchant, '-', card_number), CONCAT('a', NULL, 'b'), merchant || '!'",
        "Acme Shop-4111-1111-2222-3333", "ab", "Acme Shop!");
    golden("REPLACE(merchant, 'Shop', 'Store'), SPLIT('a,b,,c', ','), SPLIT('ab', '')",
        "Acme Store", List.of("a", "b", "", "c"), List.of("a", "b"));
    golden("UCASE(CAST(NULL AS STRING)), LEN(CAST(NULL AS STRING))", null, null);
  }

  @Test
  void mask_functions() {
    golden("MASK('Ab1-x'), MASK('Ab1-x', '*', '#', '9', '?'), MASK('Ab1-x', NULL, 'z')", "Xxn-x", "*#9?#", "Azn-z");
    golden("MASK_LEFT(card_number, 4), MASK_RIGHT(card_number, 4)", "nnnn-1111-2222-3333", "4111-1111-2222-nnnn");
    golden("MASK_KEEP_LEFT(card_number, 4), MASK_KEEP_RIGHT(card_number, 4, 'X', 'x', '*')",
        "4111-nnnn-nnnn-nnnn", "****-****-****-3333");
  }

  @Test
  void math_functions() {
    golden("ABS(-attempts), ABS(-2.5), ROUND(2.5), ROUND(-2.5), ROUND(amount, 0), ROUND(1.2345, 2), ROUND(1234, -2)",
        7, 2.5, 3L, -3L, 13.0, 1.23, 1200);
    golden("FLOOR(2.7), CEIL(2.1), FLOOR(attempts), CEIL(-2.5), SQRT(16)", 2.0, 3.0, 7, -2.0, 4.0);
  }

  @Test
  void time_functions_and_pseudo_columns() {
    golden("ROWTIME, ROWOFFSET, TIMESTAMPTOSTRING(ROWTIME, 'yyyy-MM-dd HH:mm:ss'),"
            + " TIMESTAMPTOSTRING(0, 'yyyy-MM-dd HH:mm', 'Europe/Paris')",
        1_700_000_000_000L, 42L, "2023-11-14 22:13:20", "1970-01-01 01:00");
    golden("STRINGTOTIMESTAMP('2023-11-14 22:13:20', 'yyyy-MM-dd HH:mm:ss'),"
            + " STRINGTOTIMESTAMP('1970-01-01', 'yyyy-MM-dd'), STRINGTOTIMESTAMP('garbage', 'yyyy-MM-dd')",
        1_700_000_000_000L, 0L, null);
    golden("IFNULL(CAST(NULL AS INT), 5), COALESCE(NULL, merchant, 'z')", 5, "Acme Shop");
  }
}
