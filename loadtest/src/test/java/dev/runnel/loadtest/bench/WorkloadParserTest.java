package dev.runnel.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadParserTest {
  @Test
  void a_minimal_file_takes_the_defaults() {
    Workload w = WorkloadParser.parse("name: tiny\n", "t.yaml");
    assertEquals("tiny", w.name());
    assertEquals(Workload.Mode.PRODUCE, w.mode());
    assertNull(w.topic());
    assertEquals(6, w.partitions());
    assertEquals(0, w.replicationFactor());
    assertEquals(1024, w.recordSizeBytes());
    assertEquals(0, w.recordsMax());
    assertEquals(30, w.durationS());
    assertEquals(Workload.KeyDistribution.NONE, w.keyDistribution());
    assertEquals(Workload.Acks.QUORUM, w.acks());
    assertEquals(Workload.Compression.NONE, w.compression());
    assertEquals(5, w.lingerMs());
    assertEquals(262_144, w.batchSizeBytes());
    assertEquals("tiny-r1", w.topicFor("r1"));
  }

  @Test
  void every_key_is_read_and_enum_values_ignore_case() {
    Workload w =
        WorkloadParser.parse(
            String.join("\n",
                "name: full", "mode: E2E", "topic: fixed", "partitions: 12", "replicationFactor: 3",
                "recordSizeBytes: 100", "records: 1_000", "durationS: 7", "warmupS: 2", "producers: 3",
                "consumers: 4", "rateRecordsPerSec: 10000", "keyDistribution: zipf", "keyCount: 50",
                "zipfExponent: 1.2", "acks: all", "compression: zstd", "payload: json", "lingerMs: 0",
                "batchSizeBytes: 16384"),
            "full.yaml");
    assertEquals(
        new Workload("full", Workload.Mode.E2E, "fixed", 12, 3, 100, 1000, 7, 2, 3, 4, 10_000,
            Workload.KeyDistribution.ZIPF, 50, 1.2, Workload.Acks.ALL, Workload.Compression.ZSTD,
            Workload.Payload.JSON, 0, 16_384),
        w);
    assertEquals("fixed", w.topicFor("r1"));
    assertEquals(7_000_000_000L, w.durationNs());
  }

  @Test
  void every_shipped_workload_file_parses() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of("workloads"))) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(files.size() >= 6, "workload files: " + files);
    for (Path file : files) {
      Workload w = WorkloadParser.parseFile(file);
      assertEquals(file.getFileName().toString(), w.name() + ".yaml", "name matches the file name");
      assertTrue(w.durationS() <= 60, file + " is bounded in time");
    }
  }

  @Test
  void unknown_keys_are_errors_that_list_the_known_ones() {
    WorkloadException e = assertThrows(WorkloadException.class, () -> WorkloadParser.parse("name: x\npartiton: 3\n", "w.yaml"));
    assertEquals(
        "w.yaml: unknown key 'partiton'; known keys: acks, batchSizeBytes, compression, consumers, durationS,"
            + " keyCount, keyDistribution, lingerMs, mode, name, partitions, payload, producers, rateRecordsPerSec,"
            + " recordSizeBytes, records, replicationFactor, topic, warmupS, zipfExponent",
        e.getMessage());
  }

  @Test
  void bad_values_name_the_key_and_the_bound() {
    assertError("name: x\npartitions: many\n", "w.yaml: 'partitions' must be a whole number between 1 and 100000, got 'many'");
    assertError("name: x\npartitions: 0\n", "w.yaml: 'partitions' must be between 1 and 100000, got 0");
    assertError("name: x\ndurationS: 100000\n", "w.yaml: 'durationS' must be between 1 and 86400, got 100000");
    assertError("name: x\nacks: most\n", "w.yaml: 'acks' must be one of quorum, all, leader, none, got 'most'");
    assertError("name: x\nmode: soak\n", "w.yaml: 'mode' must be one of produce, consume, e2e, got 'soak'");
    assertError("name: x\nzipfExponent: 0\n", "w.yaml: 'zipfExponent' must be between 0.01 and 10.0, got 0");
    assertError("partitions: 3\n", "w.yaml: 'name' is required: 1-100 characters of [a-zA-Z0-9._-], got nothing");
    assertError("name: a b\n", "w.yaml: 'name' is required: 1-100 characters of [a-zA-Z0-9._-], got 'a b'");
    assertError("name: x\ntopic: 'a/b'\n", "w.yaml: 'topic' must be 1-249 characters of [a-zA-Z0-9._-], got 'a/b'");
    assertError("name: x\npartitions: [1, 2]\n", "w.yaml: 'partitions' must be a single value, got a list");
  }

  @Test
  void contradicting_keys_are_errors() {
    assertError("name: x\nkeyDistribution: zipf\n", "w.yaml: keyDistribution zipf needs keyCount >= 1");
    assertError("name: x\nkeyCount: 10\n", "w.yaml: keyCount is set but keyDistribution is none; set keyDistribution: uniform or zipf");
    assertError("name: x\nmode: e2e\nrecordSizeBytes: 4\n",
        "w.yaml: mode e2e needs recordSizeBytes >= 8 (each value carries its send time), got 4");
    assertError("name: x\nmode: consume\n", "w.yaml: mode consume needs 'records' (the backlog to write, then read) > 0");
  }

  @Test
  void documents_that_are_not_a_workload_map_are_errors() {
    assertError("", "w.yaml: expected a map of workload keys (name: ..., mode: ...), got an empty document");
    assertError("- name: x\n", "w.yaml: expected a map of workload keys (name: ..., mode: ...), got a list");
    WorkloadException e = assertThrows(WorkloadException.class, () -> WorkloadParser.parse("name: [x\n", "w.yaml"));
    assertTrue(e.getMessage().startsWith("w.yaml: not valid YAML: "), e.getMessage());
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void files_are_read_and_overridden(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.yaml");
    Files.writeString(file, "name: x\nacks: leader\n");
    Workload w = WorkloadParser.parseFile(file, Map.of("durationS", "3", "acks", "all"));
    assertEquals(3, w.durationS());
    assertEquals(Workload.Acks.ALL, w.acks());
    WorkloadException unknown =
        assertThrows(WorkloadException.class, () -> WorkloadParser.parseFile(file, Map.of("speed", "9")));
    assertTrue(unknown.getMessage().startsWith("--set speed: unknown key; known keys: acks,"), unknown.getMessage());
    WorkloadException missing =
        assertThrows(WorkloadException.class, () -> WorkloadParser.parseFile(dir.resolve("nope.yaml")));
    assertEquals(dir.resolve("nope.yaml") + ": no such file", missing.getMessage());
  }

  private static void assertError(String yaml, String message) {
    WorkloadException e = assertThrows(WorkloadException.class, () -> WorkloadParser.parse(yaml, "w.yaml"));
    assertEquals(message, e.getMessage());
  }
}
