package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers faster than the node can commit meet BUSY (retriable), never unbounded memory: the
 * node stays up, even with a small heap, and holds exactly the batches it acknowledged.
 */
class BackpressureTest {
  @TempDir Path dataDir;

  @Test
  void aFloodOfBatchesIsPartlyRefusedAndTheSdkRetriesThrough() throws Exception {
    Map<String, String> config = new HashMap<>(TestNodes.config(dataDir));
    config.put("produce.pending.bytes.max.per.partition", Integer.toString(64 << 10));
    RunnelNode node = TestNodes.start(config);
    ManagedChannel channel = TestNodes.channel(node);
    try {
      AdminGrpc.newBlockingStub(channel)
          .createTopic(CreateTopicRequest.newBuilder().setName("flood").setPartitions(1).build());
      Flood flood = Flood.send(channel, "flood", 64, 32 << 10, 64);
      assertTrue(flood.busy.get() > 0, "some batches were refused: " + flood);
      assertTrue(flood.acked.get() > 0, "some batches were taken: " + flood);
      assertEquals(flood.acked.get(), highWatermark(channel, "flood"), "exactly the acknowledged batches");

      try (Producer producer =
          Producer.builder().bootstrap("127.0.0.1:" + node.grpcPort()).batchSizeBytes(32 << 10).build()) {
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
          sends.add(producer.send(ProducerRecord.of("flood", null, new byte[1024])));
        }
        producer.flush();
        sends.forEach(CompletableFuture::join); // BUSY is retried: every send succeeds
      }
      assertEquals(flood.acked.get() + 1_000, highWatermark(channel, "flood"));
    } finally {
      channel.shutdownNow();
      node.close();
    }
  }

  @Test
  void aNodeWithASmallHeapSurvivesAFlood() throws Exception {
    int grpcPort = NodeProcess.freePort();
    String bootstrap = "127.0.0.1:" + grpcPort;
    Process process =
        NodeProcess.start(
            dataDir,
            grpcPort,
            NodeProcess.freePort(),
            "128m",
            // Ratis keeps up to ~3 segments of entries in heap per group: small segments here.
            Map.of(
                "produce.pending.bytes.max", Integer.toString(2 << 20),
                "raft.log.segment.bytes", Integer.toString(4 << 20)));
    ManagedChannel channel = NettyChannelBuilder.forTarget(bootstrap).usePlaintext().build();
    try {
      NodeProcess.awaitUp(bootstrap);
      AdminGrpc.newBlockingStub(channel)
          .createTopic(CreateTopicRequest.newBuilder().setName("flood").setPartitions(4).build());
      // 600 batches of 256 KiB (150 MiB, more than the heap), 64 in flight at a time.
      Flood flood = Flood.send(channel, "flood", 600, 256 << 10, 64);
      assertTrue(process.isAlive(), "the node survived: " + flood);
      assertTrue(NodeProcess.serving(bootstrap), "and still serves");
      assertTrue(flood.busy.get() > 0, "the node pushed back: " + flood);
      long stored = 0;
      for (int p = 0; p < 4; p++) {
        stored += highWatermark(channel, "flood", p);
      }
      assertEquals(flood.acked.get(), stored, "exactly the acknowledged batches: " + flood);
      assertEquals(600, flood.acked.get() + flood.busy.get(), "no other outcome: " + flood);
    } finally {
      channel.shutdownNow();
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long highWatermark(ManagedChannel channel, String topic) {
    return highWatermark(channel, topic, 0);
  }

  private static long highWatermark(ManagedChannel channel, String topic, int partition) {
    return BrokerGrpc.newBlockingStub(channel)
        .fetch(FetchRequest.newBuilder().setTopic(topic).setPartition(partition).setMaxBytes(1).build())
        .getHighWatermark();
  }

  /** Raw async produces of one-record batches, {@code window} in flight, each batch sent once. */
  private record Flood(AtomicInteger acked, AtomicInteger busy, AtomicInteger other) {
    static Flood send(ManagedChannel channel, String topic, int batches, int valueBytes, int window)
        throws InterruptedException {
      Flood flood = new Flood(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
      Semaphore inFlight = new Semaphore(window);
      BrokerGrpc.BrokerFutureStub stub = BrokerGrpc.newFutureStub(channel);
      RecordBatch batch =
          RecordBatch.newBuilder()
              .setRecordCount(1)
              .setRecords(
                  RecordSet.newBuilder().addRecords(Record.newBuilder().setValue(ByteString.copyFrom(new byte[valueBytes]))))
              .build();
      for (int i = 0; i < batches; i++) {
        inFlight.acquire();
        var call = stub.produce(ProduceRequest.newBuilder().setTopic(topic).setBatch(batch).build());
        call.addListener(
            () -> {
              try {
                ProduceResponse ignored = call.get();
                flood.acked.incrementAndGet();
              } catch (Exception e) {
                Status status = Status.fromThrowable(e);
                if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && String.valueOf(status.getDescription()).startsWith("BUSY")) {
                  flood.busy.incrementAndGet();
                } else {
                  flood.other.incrementAndGet();
                }
              } finally {
                inFlight.release();
              }
            },
            Runnable::run);
      }
      inFlight.acquire(window);
      return flood;
    }
  }
}
