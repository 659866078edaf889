package dev.runnel.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.ast.Statement.SourceKind;
import dev.runnel.sql.ast.WindowSpec;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.parser.SqlParser;
import dev.runnel.sql.types.SqlType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which WHERE clauses pin a table's key to one value (and so one partition), without a cluster. */
class PinnedKeyTest {
  private static final DataSource CARDS = TestCatalog.cards(4);
  private static final DataSource BY_ID_AND_DAY = new DataSource("VISITS", SourceKind.TABLE, List.of(
      new Column("ID", SqlType.BIGINT, true), new Column("DAY", SqlType.STRING, true), new Column("N", SqlType.INTEGER, false)),
      "visits", "JSON", "JSON", null, null, null, 4, "");

  private static Object[] pinned(DataSource table, String sql) {
    Query q = ((Statement.SelectStatement) SqlParser.parseOne(sql).statement()).query();
    return PinnedKey.of(q.where(), table, ((Query.SourceRef) q.from()).alias());
  }

  @Test
  void key_equals_literal_pins_the_key_either_way_round_and_next_to_other_conditions() {
    assertArrayEquals(new Object[] {"4111"}, pinned(CARDS, "SELECT * FROM cards WHERE card_number = '4111';"));
    assertArrayEquals(new Object[] {"4111"}, pinned(CARDS, "SELECT * FROM cards WHERE '4111' = card_number;"));
    assertArrayEquals(new Object[] {"4111"},
        pinned(CARDS, "SELECT * FROM cards c WHERE c.limit_eur > 10 AND (c.card_number = '4111' AND owner = 'x');"));
    assertArrayEquals(new Object[] {"4111"}, pinned(CARDS, "SELECT * FROM cards WHERE cards.card_number = '4111';"));
  }

  @Test
  void a_compound_key_is_pinned_only_when_every_column_is_and_int_literals_widen_to_bigint() {
    assertArrayEquals(new Object[] {7L, "mon"}, pinned(BY_ID_AND_DAY, "SELECT * FROM visits WHERE day = 'mon' AND id = 7;"));
    assertNull(pinned(BY_ID_AND_DAY, "SELECT * FROM visits WHERE id = 7;"));
  }

  @Test
  void anything_else_reads_the_whole_table() {
    assertNull(pinned(CARDS, "SELECT * FROM cards;"));
    assertNull(pinned(CARDS, "SELECT * FROM cards WHERE card_number = '4111' OR card_number = '4222';"));
    assertNull(pinned(CARDS, "SELECT * FROM cards WHERE NOT card_number = '4111';"));
    assertNull(pinned(CARDS, "SELECT * FROM cards WHERE card_number > '4111';"));
    assertNull(pinned(CARDS, "SELECT * FROM cards WHERE owner = '4111';"));
    assertNull(pinned(CARDS, "SELECT * FROM cards WHERE card_number = NULL;"));
    assertNull(pinned(CARDS, "SELECT * FROM cards WHERE other.card_number = '4111';"));
    // A number for a STRING key would be encoded as a number: the records' keys are strings.
    assertNull(pinned(CARDS, "SELECT * FROM cards WHERE card_number = 4111;"));
    DataSource windowed = new DataSource("COUNTS", SourceKind.TABLE, CARDS.columns(), "counts", "KAFKA", "JSON", null, null,
        new DataSource.Window(WindowSpec.Type.TUMBLING, 60_000), 4, "");
    assertNull(pinned(windowed, "SELECT * FROM counts WHERE card_number = '4111';"));
  }
}
