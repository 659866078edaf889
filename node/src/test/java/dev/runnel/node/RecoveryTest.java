package dev.runnel.node;

import static dev.runnel.node.PlainGrpcClientTest.batch;
import static dev.runnel.node.PlainGrpcClientTest.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.FetchOffsetsRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.proto.v1.OffsetsGrpc;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.RecordBatch;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics, data and committed offsets survive restarts; snapshots bound the Raft logs. */
class RecoveryTest {
  private static final int BATCHES = 300;

  @TempDir Path dataDir;

  @Test
  void restartKeepsEverythingAndSnapshotsPurgeTheRaftLog() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("message.max.bytes", "16384");
    config.put("raft.log.segment.bytes", "65536");
    config.put("raft.snapshot.every.entries", "64");

    java.util.concurrent.atomic.AtomicReference<String> topicId = new java.util.concurrent.atomic.AtomicReference<>();
    try (RunnelNode node = TestNodes.start(config)) {
      withChannel(
          node,
          channel -> {
            topicId.set(
                AdminGrpc.newBlockingStub(channel)
                    .createTopic(CreateTopicRequest.newBuilder().setName("durable").setPartitions(2).build())
                    .getTopicId());
            BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
            for (int i = 0; i < BATCHES; i++) {
              broker.produce(request(i % 2, "v" + i + "-" + "x".repeat(500)));
            }
            OffsetsGrpc.newBlockingStub(channel)
                .commitOffsets(
                    CommitOffsetsRequest.newBuilder()
                        .setGroup("g1")
                        .addOffsets(
                            CommittedOffset.newBuilder().setTopic("durable").setPartition(1).setOffset(42).setMetadata("m"))
                        .build());
          });
    }

    // Snapshots were taken and Raft's oldest segments purged.
    List<Path> groupDirs = partitionGroupDirs(topicId.get());
    assertEquals(2, groupDirs.size());
    for (Path group : groupDirs) {
      try (Stream<Path> sm = Files.list(group.resolve("sm"))) {
        assertTrue(sm.anyMatch(p -> p.getFileName().toString().startsWith("snapshot.")), "snapshot in " + group);
      }
      try (Stream<Path> segments = Files.list(group.resolve("current"))) {
        // Segment files are log_<first>-<last> (closed) and log_inprogress_<first> (open).
        long firstIndex =
            segments
                .map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("log_"))
                .mapToLong(n -> Long.parseLong(n.replace("log_inprogress_", "").replace("log_", "").split("-")[0]))
                .min()
                .orElseThrow();
        assertTrue(firstIndex > 0, "the oldest Raft segments of " + group + " should have been purged");
      }
    }

    try (RunnelNode node = TestNodes.start(config)) {
      withChannel(
          node,
          channel -> {
            BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
            for (int p = 0; p < 2; p++) {
              FetchResponse all =
                  broker.fetch(
                      FetchRequest.newBuilder().setTopic("durable").setPartition(p).setOffset(0).setMaxBytes(8 << 20).build());
              assertEquals(BATCHES / 2, all.getHighWatermark());
              assertEquals(BATCHES / 2, all.getBatchesCount());
              for (int i = 0; i < all.getBatchesCount(); i++) {
                RecordBatch b = all.getBatches(i);
                assertEquals(i, b.getBaseOffset());
                String value = b.getRecords().getRecords(0).getValue().toStringUtf8();
                assertTrue(value.startsWith("v" + (2 * i + p) + "-"), value);
              }
            }
            // Offsets continue where they stopped.
            assertEquals(BATCHES / 2, broker.produce(request(0, "after restart")).getBaseOffset());
            var offsets =
                OffsetsGrpc.newBlockingStub(channel)
                    .fetchOffsets(FetchOffsetsRequest.newBuilder().setGroup("g1").build());
            assertEquals(1, offsets.getOffsetsCount());
            assertEquals(42, offsets.getOffsets(0).getOffset());
            assertEquals("m", offsets.getOffsets(0).getMetadata());
          });
    }
  }

  /** The Raft group directories of the topic's partitions (not those of __consumer_offsets). */
  private List<Path> partitionGroupDirs(String topicId) throws IOException {
    List<String> names =
        List.of(
            dev.runnel.raft.RaftIds.partitionGroup(topicId, 0).getUuid().toString(),
            dev.runnel.raft.RaftIds.partitionGroup(topicId, 1).getUuid().toString());
    try (Stream<Path> dirs = Files.list(dataDir.resolve("raft"))) {
      return dirs.filter(d -> Files.isDirectory(d.resolve("log")) && names.contains(d.getFileName().toString())).toList();
    }
  }

  private static ProduceRequest request(int partition, String value) {
    return ProduceRequest.newBuilder()
        .setTopic("durable")
        .setPartition(partition)
        .setBatch(batch(record(new byte[] {(byte) partition}, value)))
        .build();
  }

  interface ChannelUse {
    void accept(ManagedChannel channel) throws Exception;
  }

  static void withChannel(RunnelNode node, ChannelUse use) throws Exception {
    ManagedChannel channel =
        TestNodes.channel(node);
    try {
      use.accept(channel);
    } finally {
      channel.shutdownNow();
    }
  }
}
