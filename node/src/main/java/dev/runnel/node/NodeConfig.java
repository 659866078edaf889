package dev.runnel.node;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A node's configuration: a properties file plus overrides (command-line flags), checked at
 * start-up. Every key has a default, every bound is validated with a message naming the key, and
 * unknown keys are refused (a typo must not silently fall back to a default).
 */
public final class NodeConfig {
  /** Every key the node understands, with its default and meaning (the configuration reference). */
  public static final Map<String, String[]> KEYS = keys();

  private final Map<String, String> values;

  private NodeConfig(Map<String, String> values) {
    this.values = values;
  }

  private static Map<String, String[]> keys() {
    Map<String, String[]> k = new LinkedHashMap<>();
    k.put("node.id", new String[] {"1", "this node's id (>= 0), unique in the cluster"});
    k.put("host", new String[] {"127.0.0.1", "address the node listens on and advertises"});
    k.put("grpc.port", new String[] {"9400", "client gRPC port (0 = pick a free port)"});
    k.put("raft.port", new String[] {"9401", "Raft (Ratis) port between nodes (0 = pick)"});
    k.put("http.port", new String[] {"9402", "HTTP admin port: /health /ready /metrics (0 = pick)"});
    k.put(
        "controller.quorum.voters",
        new String[] {
          "", "the controller quorum as id@host:raftPort,...; empty = this node alone (1, 3 or 5)"
        });
    k.put(
        "node.heartbeat.interval.ms",
        new String[] {"2000", "how often the node tells the controller it is alive"});
    k.put(
        "node.session.timeout.ms",
        new String[] {
          "9000",
          "a node whose last heartbeat is older counts as dead: shown dead, no new replicas placed on it"
        });
    k.put("rack", new String[] {"", "rack (or zone) of this node; replicas of a partition go to different racks when there are enough"});
    k.put(
        "default.replication.factor",
        new String[] {"1", "replication factor of topics created without one"});
    k.put("data.dir", new String[] {"./data", "where the node keeps its Raft logs and partitions"});
    k.put(
        "message.max.bytes",
        new String[] {
          "1048576", "largest batch a topic may accept; default of topic max.message.bytes"
        });
    k.put(
        "batch.decompressed.bytes.max",
        new String[] {
          "67108864",
          "most bytes a compressed batch may decompress to (the leader decompresses to count its records)"
        });
    k.put(
        "log.retention.ms",
        new String[] {"604800000", "default topic retention.ms: keep data this long (-1 = forever)"});
    k.put(
        "log.retention.bytes",
        new String[] {"-1", "default topic retention.bytes per partition (-1 = no size limit)"});
    k.put(
        "log.retention.check.interval.ms",
        new String[] {"300000", "how often partition leaders apply retention"});
    k.put(
        "log.cleaner.interval.ms",
        new String[] {"15000", "how often the log cleaner compacts topics with cleanup.policy compact"});
    k.put(
        "log.cleaner.dedupe.buffer.bytes",
        new String[] {
          "33554432",
          "memory of the cleaner's key map (24 bytes a key, filled to 75%); a pass maps at most that many keys"
        });
    k.put(
        "log.cleaner.io.max.bytes.per.second",
        new String[] {"52428800", "most bytes per second the cleaner reads and rewrites"});
    k.put(
        "log.cleaner.batches.per.txn",
        new String[] {"64", "most batches the cleaner rewrites per LMDB transaction (appends wait for one)"});
    k.put("topic.partitions.max", new String[] {"512", "most partitions one topic may have"});
    k.put("produce.timeout.ms", new String[] {"30000", "how long a produce waits for its commit"});
    k.put(
        "produce.pending.bytes.max.per.partition",
        new String[] {"33554432", "batch bytes of one partition accepted but not committed yet"});
    k.put(
        "produce.pending.bytes.max",
        new String[] {"268435456", "batch bytes of all partitions accepted but not committed yet"});
    k.put(
        "producer.id.expiration.ms",
        new String[] {"86400000", "a partition forgets an idempotent producer idle this long"});
    k.put(
        "produce.stream.requests.max",
        new String[] {"1024", "unanswered requests one ProduceStream may have; more are answered BUSY"});
    k.put(
        "raft.append.entries.in.flight.max",
        new String[] {
          "1",
          "Raft entries of one partition being replicated at once; batches arriving meanwhile"
              + " are coalesced into the next entry (0: every batch is its own entry)"
        });
    k.put("fetch.max.bytes", new String[] {"67108864", "upper bound of one fetch/stream message"});
    k.put("fetch.max.wait.ms", new String[] {"30000", "upper bound of a fetch long poll"});
    k.put("subscribe.streams.max", new String[] {"1024", "most concurrent Subscribe streams"});
    k.put(
        "log.map.size.initial.bytes",
        new String[] {"67108864", "initial LMDB map size of a partition (grows by doubling)"});
    k.put(
        "log.map.size.max.bytes",
        new String[] {"68719476736", "largest LMDB map of a partition; beyond it writes are refused"});
    k.put(
        "log.disk.free.min.bytes",
        new String[] {"268435456", "writes are refused when the disk would keep less free"});
    k.put(
        "raft.election.timeout.min.ms",
        new String[] {
          "3000",
          "Raft election timeout, lower, of every group (controller and partitions); leaders"
              + " heartbeat every min/2, so this sets the idle cost per group against failover time"
        });
    k.put("raft.election.timeout.max.ms", new String[] {"6000", "Raft election timeout, upper"});
    k.put(
        "raft.snapshot.every.entries",
        new String[] {"4096", "take a snapshot (and purge the Raft log) after this many entries"});
    k.put(
        "raft.log.segment.bytes",
        new String[] {
          "16777216",
          "size of a Raft log segment (whole segments are purged); with raft.log.payload=separate the size"
              + " of a payload file, and the Raft log's own segments hold about a quarter of a snapshot interval"
        });
    k.put(
        "raft.log.fsync",
        new String[] {
          "per-commit",
          "per-commit: a batch commits only once a majority has fsynced it; background: once a majority"
              + " has written it (page cache), fsync follows without being waited for, like Kafka's default"
        });
    k.put(
        "raft.log.payload",
        new String[] {
          "separate",
          "separate: a produced batch's bytes go to payload files beside the Raft log, which keeps a"
              + " small entry (each byte written once before LMDB); inline: the batch is in the Raft"
              + " entry. A node reads entries of both kinds, so it may be switched at a restart"
        });
    k.put(
        "raft.metrics.jmx",
        new String[] {
          "false",
          "true: Ratis registers its per-group metrics as JMX MBeans (a global lock taken at every"
              + " group start and leader change; slows creating many partitions)"
        });
    k.put("shutdown.grace.ms", new String[] {"10000", "how long SIGTERM waits for in-flight calls"});
    k.put(
        "group.session.timeout.ms",
        new String[] {"10000", "session timeout of group members that do not ask for one"});
    k.put(
        "group.session.timeout.ms.min",
        new String[] {"1000", "shortest session timeout a group member may ask for"});
    k.put(
        "group.session.timeout.ms.max",
        new String[] {"300000", "longest session timeout a group member may ask for"});
    k.put(
        "group.rebalance.timeout.ms",
        new String[] {
          "60000", "how long a member that does not ask otherwise may take to give up revoked partitions"
        });
    k.put(
        "offsets.topic.partitions",
        new String[] {"16", "partitions of __consumer_offsets (fixed once the topic exists)"});
    k.put(
        "offsets.topic.replication.factor",
        new String[] {"3", "replication factor of __consumer_offsets (capped by the registered nodes at creation)"});
    k.put("group.members.max", new String[] {"1000", "most members in one consumer group"});
    k.put("groups.max", new String[] {"10000", "most consumer groups with members on the coordinator"});
    k.put(
        "group.metrics.partitions.max",
        new String[] {
          "10000", "most (group, partition) series of committed offset and lag the coordinator exports on /metrics"
        });
    return Collections.unmodifiableMap(k);
  }

  /** Defaults overridden by {@code overrides}. */
  public static NodeConfig of(Map<String, String> overrides) {
    Map<String, String> values = new TreeMap<>();
    KEYS.forEach((key, spec) -> values.put(key, spec[0]));
    overrides.forEach(
        (key, value) -> {
          if (!KEYS.containsKey(key)) {
            throw new IllegalArgumentException(
                "unknown config key '" + key + "' (known: " + String.join(", ", KEYS.keySet()) + ")");
          }
          values.put(key, value.trim());
        });
    NodeConfig config = new NodeConfig(values);
    config.validate();
    return config;
  }

  /** The file's settings, then {@code overrides} on top. */
  public static NodeConfig load(Path file, Map<String, String> overrides) throws IOException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      props.load(in);
    }
    Map<String, String> merged = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k)));
    merged.putAll(overrides);
    return of(merged);
  }

  private void validate() {
    intIn("node.id", 0, Integer.MAX_VALUE);
    for (String port : new String[] {"grpc.port", "raft.port", "http.port"}) {
      intIn(port, 0, 65535);
    }
    if (string("host").isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    intIn("node.heartbeat.interval.ms", 10, 600_000);
    // Two heartbeats per session at least, so one lost or late heartbeat does not kill a node.
    intIn("node.session.timeout.ms", 2L * intValue("node.heartbeat.interval.ms"), 3_600_000);
    intIn("default.replication.factor", 1, 5);
    intIn("message.max.bytes", 1024, 64 << 20);
    // 256 MiB: what the Java SDK is willing to decompress, so any batch a node accepts is readable.
    longIn("batch.decompressed.bytes.max", 1024, 256 << 20);
    longIn("log.retention.ms", -1, Long.MAX_VALUE);
    longIn("log.retention.bytes", -1, Long.MAX_VALUE);
    longIn("log.retention.check.interval.ms", 100, 86_400_000);
    longIn("log.cleaner.interval.ms", 100, 86_400_000);
    longIn("log.cleaner.dedupe.buffer.bytes", 1 << 10, 16L << 30);
    longIn("log.cleaner.io.max.bytes.per.second", 1 << 10, Long.MAX_VALUE);
    intIn("log.cleaner.batches.per.txn", 1, 100_000);
    intIn("topic.partitions.max", 1, 100_000);
    intIn("produce.timeout.ms", 100, 600_000);
    longIn("produce.pending.bytes.max.per.partition", 1024, 1L << 40);
    longIn("produce.pending.bytes.max", 1024, 1L << 40);
    intIn("produce.stream.requests.max", 1, 1_000_000);
    intIn("raft.append.entries.in.flight.max", 0, 1024);
    longIn("producer.id.expiration.ms", 1_000, 365L * 86_400_000);
    intIn("fetch.max.bytes", 1024, 256 << 20);
    intIn("fetch.max.wait.ms", 0, 600_000);
    intIn("subscribe.streams.max", 1, 1_000_000);
    longIn("log.map.size.initial.bytes", 1 << 20, Long.MAX_VALUE);
    longIn("log.map.size.max.bytes", longValue("log.map.size.initial.bytes"), Long.MAX_VALUE);
    longIn("log.disk.free.min.bytes", 1, Long.MAX_VALUE);
    intIn("raft.election.timeout.min.ms", 50, 600_000);
    intIn("raft.election.timeout.max.ms", intValue("raft.election.timeout.min.ms") + 1, 600_000);
    longIn("raft.snapshot.every.entries", 16, Long.MAX_VALUE);
    longIn("raft.log.segment.bytes", 64 << 10, 1L << 30);
    oneOf("raft.log.fsync", "per-commit", "background");
    oneOf("raft.log.payload", "separate", "inline");
    oneOf("raft.metrics.jmx", "true", "false");
    intIn("shutdown.grace.ms", 0, 600_000);
    intIn("group.session.timeout.ms.min", 100, 3_600_000);
    intIn("group.session.timeout.ms.max", intValue("group.session.timeout.ms.min"), 3_600_000);
    intIn(
        "group.session.timeout.ms",
        intValue("group.session.timeout.ms.min"),
        intValue("group.session.timeout.ms.max"));
    intIn("group.rebalance.timeout.ms", 1_000, 600_000);
    intIn("group.members.max", 1, 100_000);
    intIn("groups.max", 1, 1_000_000);
    intIn("group.metrics.partitions.max", 0, 1_000_000);
    intIn("offsets.topic.partitions", 1, 1_000);
    intIn("offsets.topic.replication.factor", 1, 5);
  }

  private void oneOf(String key, String... allowed) {
    if (!Arrays.asList(allowed).contains(values.get(key))) {
      throw new IllegalArgumentException(
          key + " must be one of " + String.join(", ", allowed) + ", got '" + values.get(key) + "'");
    }
  }

  private void intIn(String key, long min, long max) {
    longIn(key, min, max);
  }

  private void longIn(String key, long min, long max) {
    long value;
    try {
      value = Long.parseLong(values.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + values.get(key) + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  public String string(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalStateException("no config key " + key);
    }
    return value;
  }

  public int intValue(String key) {
    return Integer.parseInt(string(key));
  }

  public long longValue(String key) {
    return Long.parseLong(string(key));
  }

  public Path dataDir() {
    return Path.of(string("data.dir"));
  }

  /** All effective values, for the start-up log. */
  public Map<String, String> values() {
    return Collections.unmodifiableMap(values);
  }
}
