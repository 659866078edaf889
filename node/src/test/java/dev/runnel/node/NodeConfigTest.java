package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @Test
  void defaultsAreValid() {
    NodeConfig config = NodeConfig.of(Map.of());
    assertEquals(9400, config.intValue("grpc.port"));
    assertEquals(Path.of("./data"), config.dataDir());
  }

  @Test
  void fileThenOverrides(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.properties");
    Files.writeString(file, "grpc.port=7000\nnode.id=3\n");
    NodeConfig config = NodeConfig.load(file, Map.of("grpc.port", "7001"));
    assertEquals(7001, config.intValue("grpc.port"));
    assertEquals(3, config.intValue("node.id"));
  }

  @Test
  void refusesUnknownKeysAndBadValuesNamingTheKey() {
    var unknown = assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(Map.of("grpc.prot", "1")));
    assertTrue(unknown.getMessage().contains("unknown config key 'grpc.prot'"));
    var notNumber = assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(Map.of("grpc.port", "x")));
    assertTrue(notNumber.getMessage().startsWith("grpc.port must be a number"));
    var range = assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(Map.of("grpc.port", "70000")));
    assertTrue(range.getMessage().contains("between 0 and 65535"));
    var order =
        assertThrows(
            IllegalArgumentException.class,
            () -> NodeConfig.of(Map.of("raft.election.timeout.min.ms", "900", "raft.election.timeout.max.ms", "800")));
    assertTrue(order.getMessage().startsWith("raft.election.timeout.max.ms"));
    var fsync = assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(Map.of("raft.log.fsync", "never")));
    assertEquals("raft.log.fsync must be one of per-commit, background, got 'never'", fsync.getMessage());
  }

  /** Settings that decide how many Raft groups a node can host (docs/benchmarks.md, 2026-11-28). */
  @Test
  void raftScaleSettingsHaveDefaultsAndAreChecked() {
    NodeConfig defaults = NodeConfig.of(Map.of());
    assertEquals(3000, defaults.intValue("raft.election.timeout.min.ms"));
    assertEquals(6000, defaults.intValue("raft.election.timeout.max.ms"));
    assertEquals("false", defaults.string("raft.metrics.jmx"));
    assertEquals("true", NodeConfig.of(Map.of("raft.metrics.jmx", " true ")).string("raft.metrics.jmx"));
    var jmx = assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(Map.of("raft.metrics.jmx", "yes")));
    assertEquals("raft.metrics.jmx must be one of true, false, got 'yes'", jmx.getMessage());
    // Only the minimum given: the default maximum (6000) stays above it.
    assertEquals(1000, NodeConfig.of(Map.of("raft.election.timeout.min.ms", "1000")).intValue("raft.election.timeout.min.ms"));
    var maxBelowMin =
        assertThrows(
            IllegalArgumentException.class, () -> NodeConfig.of(Map.of("raft.election.timeout.min.ms", "7000")));
    assertEquals("raft.election.timeout.max.ms must be between 7001 and 600000, got 6000", maxBelowMin.getMessage());
  }

  @Test
  void quorumVotersAreCheckedWithClearMessages() {
    assertEquals(3, QuorumVoters.parse("1@h:1,2@h:2,3@h:3", 2, "h", 2).size());
    assertEquals(1, QuorumVoters.parse("", 7, "h", 9).size(), "empty: this node alone");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> QuorumVoters.parse("1@h:1,2@h:2", 1, "h", 1))
            .getMessage()
            .contains("use an odd number"));
    assertEquals(
        3, QuorumVoters.parse("1@h:1,2@h:2,3@h:3", 4, "h", 4).size(), "node 4 is a non-voter (a listener)");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> QuorumVoters.parse("1@h:1,x", 1, "h", 1))
            .getMessage()
            .contains("'x' is not id@host:port"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> QuorumVoters.parse("1@h:1,1@h:2,2@h:3", 1, "h", 1))
            .getMessage()
            .contains("names node 1 twice"));
  }

  /** docs/configuration.md is the reference: every key must be there with its default. */
  @Test
  void everyKeyIsDocumentedWithItsDefault() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    NodeConfig.KEYS.forEach(
        (key, spec) ->
            assertTrue(
                doc.contains("| `" + key + "` | `" + spec[0] + "` |"),
                "docs/configuration.md lacks " + key + " = " + spec[0]));
  }

  @Test
  void aDataDirectoryBelongsToOneNodeAndOneCluster(@TempDir Path dir) throws Exception {
    ClusterIdentity.Identity fresh = ClusterIdentity.loadOrCreate(dir, 1);
    assertTrue(fresh.fresh());
    // A fresh directory takes the controller's cluster id ...
    ClusterIdentity.agree(dir, 1, fresh, "the-cluster");
    ClusterIdentity.Identity again = ClusterIdentity.loadOrCreate(dir, 1);
    assertEquals(new ClusterIdentity.Identity("the-cluster", false), again);
    // ... an existing one must already have it.
    var otherCluster =
        assertThrows(IllegalArgumentException.class, () -> ClusterIdentity.agree(dir, 1, again, "another"));
    assertTrue(otherCluster.getMessage().contains("belongs to cluster the-cluster"));
    var wrongNode = assertThrows(IllegalArgumentException.class, () -> ClusterIdentity.loadOrCreate(dir, 2));
    assertTrue(wrongNode.getMessage().contains("belongs to node 1, not node 2"));
  }

}
