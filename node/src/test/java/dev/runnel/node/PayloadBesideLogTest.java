package dev.runnel.node;

import static dev.runnel.node.PlainGrpcClientTest.batch;
import static dev.runnel.node.PlainGrpcClientTest.record;
import static dev.runnel.node.RecoveryTest.withChannel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.raft.RaftIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raft.log.payload=separate} (the default): produced bytes go to the payload files, not into
 * the Raft log, and a replay of the Raft log reads them back from there — also on a node switched
 * to {@code inline}, which must still read the entries written before.
 */
class PayloadBesideLogTest {
  private static final int BATCHES = 200;
  private static final int VALUE_BYTES = 4000;

  @TempDir Path dataDir;

  @Test
  void payloadsLiveBesideTheRaftLogAndAReplayReadsThemBack() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    Path group = produceToNewTopic(config, BATCHES);
    long produced = (long) BATCHES * VALUE_BYTES;
    long payloadBytes = bytesUnder(group.resolve("payload"));
    long raftLogBytes = bytesUnder(group.resolve("current"));
    assertTrue(payloadBytes >= produced, "payload files hold the batches: " + payloadBytes + " bytes");
    assertTrue(
        raftLogBytes < produced / 4, // Ratis preallocates its segment files
        "the Raft log holds small entries only: " + raftLogBytes + " bytes for " + produced + " produced");

    // Without the partition's LMDB files, Ratis replays every entry on the next start (no
    // snapshot was taken, 200 entries < raft.snapshot.every.entries): each batch comes back
    // from the payload files, read by a node now set to put batches in the Raft log itself.
    deleteTree(group.resolve("log"));
    config.put("raft.log.payload", "inline");
    try (RunnelNode node = TestNodes.start(config)) {
      withChannel(
          node,
          channel -> {
            BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
            assertEquals(BATCHES, broker.produce(request(BATCHES)).getBaseOffset());
            FetchResponse all =
                broker.fetch(
                    FetchRequest.newBuilder().setTopic("beside").setPartition(0).setOffset(0).setMaxBytes(8 << 20).build());
            assertEquals(BATCHES + 1, all.getBatchesCount());
            for (int i = 0; i <= BATCHES; i++) {
              assertEquals(i, all.getBatches(i).getBaseOffset());
              assertEquals(value(i), all.getBatches(i).getRecords().getRecords(0).getValue().toStringUtf8());
            }
          });
    }
    assertEquals(payloadBytes, bytesUnder(group.resolve("payload")), "the inline batch is not in the payload files");
  }

  /**
   * A power loss may keep Raft entries whose payloads it lost (never fsynced, so never
   * acknowledged). The node cuts its Raft log there on start instead of failing to apply them.
   */
  @Test
  void raftEntriesWhosePayloadsWereLostAreCutOnStart() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    int batches = 50;
    int lost = 5;
    Path group = produceToNewTopic(config, batches);
    dropLastPayloadRecords(group.resolve("payload"), lost);
    // LMDB runs without fsync: after a power loss it holds no more than the durable Raft log.
    deleteTree(group.resolve("log"));
    try (RunnelNode node = TestNodes.start(config)) {
      withChannel(
          node,
          channel -> {
            BrokerGrpc.BrokerBlockingStub broker =
                BrokerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            assertEquals(batches - lost, broker.produce(request(batches)).getBaseOffset());
            FetchResponse all =
                broker.fetch(
                    FetchRequest.newBuilder().setTopic("beside").setPartition(0).setOffset(0).setMaxBytes(8 << 20).build());
            assertEquals(batches - lost + 1, all.getBatchesCount());
            for (int i = 0; i < batches - lost; i++) {
              assertEquals(value(i), all.getBatches(i).getRecords().getRecords(0).getValue().toStringUtf8());
            }
            assertEquals(
                value(batches), all.getBatches(batches - lost).getRecords().getRecords(0).getValue().toStringUtf8());
          });
    }
  }

  /**
   * Starts a node, creates the one-partition topic "beside", produces {@code batches} batches
   * (batch i at offset i), stops the node; answers the partition's group directory.
   */
  private Path produceToNewTopic(Map<String, String> config, int batches) throws Exception {
    AtomicReference<String> topicId = new AtomicReference<>();
    try (RunnelNode node = TestNodes.start(config)) {
      withChannel(
          node,
          channel -> {
            topicId.set(
                AdminGrpc.newBlockingStub(channel)
                    .createTopic(CreateTopicRequest.newBuilder().setName("beside").setPartitions(1).build())
                    .getTopicId());
            BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
            for (int i = 0; i < batches; i++) {
              assertEquals(i, broker.produce(request(i)).getBaseOffset());
            }
          });
    }
    return dataDir.resolve("raft").resolve(RaftIds.partitionGroup(topicId.get(), 0).getUuid().toString());
  }

  /** Cuts the last {@code count} records off the newest payload file ([index u64][length u32][crc u32][bytes]). */
  private static void dropLastPayloadRecords(Path payloadDir, int count) throws IOException {
    Path newest;
    try (Stream<Path> files = Files.list(payloadDir)) {
      newest = files.max(Comparator.naturalOrder()).orElseThrow();
    }
    List<Long> positions = new ArrayList<>();
    try (FileChannel file = FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      long position = 0;
      while (position < file.size()) {
        header.clear();
        file.read(header, position);
        positions.add(position);
        position += 16 + header.getInt(8);
      }
      assertTrue(positions.size() > count, "records in " + newest + ": " + positions.size());
      file.truncate(positions.get(positions.size() - count));
    }
  }

  private static String value(int i) {
    String head = "v" + i + "-";
    return head + "x".repeat(VALUE_BYTES - head.length());
  }

  private static ProduceRequest request(int i) {
    return ProduceRequest.newBuilder()
        .setTopic("beside")
        .setPartition(0)
        .setBatch(batch(record(new byte[] {1}, value(i))))
        .build();
  }

  private static long bytesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
