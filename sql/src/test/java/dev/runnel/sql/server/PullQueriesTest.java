package dev.runnel.sql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.runnel.loadtest.LocalNode;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.sdk.Admin;
import dev.runnel.sql.SqlConfig;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.parser.SqlParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull queries on a table over a 4-partition topic with many keys, each updated several times. A
 * key lookup reads only the key's partition: it must find the key's current value there (a wrong
 * partition has no row for it), and it must fit a records cap that reading every partition exceeds.
 */
class PullQueriesTest {
  private static final int KEYS = 40;
  private static final int UPDATES_PER_KEY = 3;
  private static final String TOPIC = "pull_balances";
  @TempDir static Path dir;
  static LocalNode node;
  static SqlEngine engine;
  /** The most records any one partition holds: the cap for the lookups. */
  static int largestPartitionRecords;

  @BeforeAll
  static void start() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
    engine = new SqlEngine(SqlConfig.defaults(node.bootstrap(), dir.resolve("state")).withServiceId("pull"));
    engine.execute(SqlParser.parseOne("""
        CREATE TABLE balances (id VARCHAR PRIMARY KEY, amount INT)
          WITH (kafka_topic='pull_balances', value_format='JSON', partitions=4);"""));
    for (int update = 1; update <= UPDATES_PER_KEY; update++) {
      for (int k = 0; k < KEYS; k++) {
        engine.execute(SqlParser.parseOne(
            "INSERT INTO balances (id, amount) VALUES ('k" + k + "', " + amount(k, update) + ");"));
      }
    }
    try (Admin admin = Admin.builder().bootstrap(node.bootstrap()).build()) {
      Map<Integer, Long> ends = admin.listOffsets(TOPIC, OffsetSpec.OFFSET_SPEC_LATEST);
      assertEquals(4, ends.size(), ends.toString());
      assertEquals(KEYS * UPDATES_PER_KEY, ends.values().stream().mapToLong(Long::longValue).sum(), ends.toString());
      largestPartitionRecords = (int) ends.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }
  }

  @AfterAll
  static void stop() {
    engine.close();
    node.close();
  }

  private static int amount(int key, int update) {
    return key * 10 + update;
  }

  private static ArrayNode pull(int recordsReadMax, String sql) {
    return new PullQueries(engine, recordsReadMax).run((Statement.SelectStatement) SqlParser.parseOne(sql).statement());
  }

  @Test
  void a_key_lookup_reads_only_the_keys_partition_and_finds_its_current_value() {
    // Reading all partitions would pass the cap: the lookups below read fewer records.
    assertTrue(largestPartitionRecords < KEYS * UPDATES_PER_KEY, "the keys all went to one partition");
    SqlException tooBig = assertThrows(SqlException.class, () -> pull(largestPartitionRecords, "SELECT * FROM balances;"));
    assertTrue(tooBig.getMessage().contains("too big for a pull query"), tooBig.getMessage());
    Map<Integer, Integer> keysByPartition = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      ArrayNode rows = pull(largestPartitionRecords,
          "SELECT id, amount, ROWPARTITION AS p FROM balances WHERE id = 'k" + k + "' AND amount > 0;");
      assertEquals(2, rows.size(), "header and one row for k" + k + ": " + rows);
      JsonNode columns = rows.get(1).at("/row/columns");
      assertEquals("k" + k, columns.get(0).asText(), rows.toString());
      assertEquals(amount(k, UPDATES_PER_KEY), columns.get(1).asInt(), rows.toString());
      keysByPartition.merge(columns.get(2).asInt(), 1, Integer::sum);
    }
    assertEquals(4, keysByPartition.size(), "the keys cover every partition: " + keysByPartition);
  }

  @Test
  void a_missing_key_has_no_row_and_a_full_table_pull_still_reads_every_partition() {
    assertEquals(1, pull(largestPartitionRecords, "SELECT * FROM balances WHERE id = 'nope';").size());
    ArrayNode all = pull(KEYS * UPDATES_PER_KEY, "SELECT id, amount FROM balances WHERE amount % 10 = 3;");
    assertEquals(KEYS + 1, all.size(), all.toString());
    ArrayNode unpinned = pull(KEYS * UPDATES_PER_KEY, "SELECT * FROM balances WHERE id = 'k7' OR id = 'k8';");
    assertEquals(3, unpinned.size(), unpinned.toString());
  }
}
