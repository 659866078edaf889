package dev.runnel.sql;

import dev.runnel.sql.ast.Statement.SourceKind;
import dev.runnel.sql.catalog.Catalog;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.types.SqlType;
import java.util.List;

/** Sources for tests that need no cluster. */
public final class TestCatalog {
  private TestCatalog() {}

  public static final SqlType ADDRESS = SqlType.struct(List.of(
      new SqlType.Field("CITY", SqlType.STRING), new SqlType.Field("ZIP", SqlType.INTEGER)));

  /** AUTHORIZATION_ATTEMPTS (CARD_NUMBER, AMOUNT, MERCHANT, ATTEMPTS, ADDRESS, TAGS, PROPS), no key, 1 partition. */
  public static DataSource attempts(int partitions) {
    return new DataSource("AUTHORIZATION_ATTEMPTS", SourceKind.STREAM, List.of(
        new Column("CARD_NUMBER", SqlType.STRING, false),
        new Column("AMOUNT", SqlType.DOUBLE, false),
        new Column("MERCHANT", SqlType.STRING, false),
        new Column("ATTEMPTS", SqlType.INTEGER, false),
        new Column("ADDRESS", ADDRESS, false),
        new Column("TAGS", SqlType.array(SqlType.STRING), false),
        new Column("PROPS", SqlType.map(SqlType.BIGINT), false)),
        "authorization_attempts", "NONE", "JSON", null, null, null, partitions, "");
  }

  /** CARDS table (CARD_NUMBER PRIMARY KEY, OWNER, LIMIT_EUR). */
  public static DataSource cards(int partitions) {
    return new DataSource("CARDS", SourceKind.TABLE, List.of(
        new Column("CARD_NUMBER", SqlType.STRING, true),
        new Column("OWNER", SqlType.STRING, false),
        new Column("LIMIT_EUR", SqlType.DOUBLE, false)),
        "cards", "KAFKA", "JSON", null, null, null, partitions, "");
  }

  public static Catalog catalog() {
    Catalog c = new Catalog();
    c.put(attempts(1));
    c.put(cards(1));
    return c;
  }
}
