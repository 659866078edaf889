package dev.runnel.node;

import static dev.runnel.node.BadInputTest.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.RecordBatch;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partition whose LMDB map cannot grow refuses writes clearly; reads and the node carry on. */
class StorageFullTest {
  @TempDir Path dataDir;

  @Test
  void fullMapRefusesWritesAndKeepsServingReads() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("log.map.size.initial.bytes", "1048576");
    config.put("log.map.size.max.bytes", "1048576");
    try (RunnelNode node = TestNodes.start(config)) {
      ManagedChannel channel =
          TestNodes.channel(node);
      try {
        AdminGrpc.newBlockingStub(channel)
            .createTopic(CreateTopicRequest.newBuilder().setName("tiny").setPartitions(1).build());
        BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
        RecordBatch batch =
            TestNodes.zeroBatch(64 * 1024);
        ProduceRequest request =
            ProduceRequest.newBuilder().setTopic("tiny").setPartition(0).setBatch(batch).build();
        long accepted = 0;
        StatusRuntimeException refusal = null;
        // 1 MiB of map holds fewer than 16 batches of 64 KiB: the loop ends by refusal.
        for (int i = 0; i < 32 && refusal == null; i++) {
          try {
            broker.produce(request);
            accepted++;
          } catch (StatusRuntimeException e) {
            refusal = e;
          }
        }
        assertTrue(refusal != null, "a 1 MiB map must fill up");
        assertTrue(accepted > 0);
        long acceptedBefore = accepted;
        fails(() -> broker.produce(request), Status.Code.RESOURCE_EXHAUSTED, "STORAGE_FULL");

        var fetched =
            broker.fetch(
                FetchRequest.newBuilder().setTopic("tiny").setPartition(0).setOffset(0).setMaxBytes(64 << 20).build());
        assertEquals(acceptedBefore, fetched.getHighWatermark());
        assertEquals(acceptedBefore, fetched.getBatchesCount());
        // The node is still up for everything else.
        AdminGrpc.newBlockingStub(channel)
            .createTopic(CreateTopicRequest.newBuilder().setName("other").setPartitions(1).build());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void aDiskBelowItsFreeSpaceMinimumRefusesWrites() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    // No disk here has a pebibyte free: every write must be refused, reads must keep working.
    config.put("log.disk.free.min.bytes", Long.toString(1L << 50));
    try (RunnelNode node = TestNodes.start(config)) {
      ManagedChannel channel =
          TestNodes.channel(node);
      try {
        AdminGrpc.newBlockingStub(channel)
            .createTopic(CreateTopicRequest.newBuilder().setName("nodisk").setPartitions(1).build());
        BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
        var e =
            fails(
                () ->
                    broker.produce(
                        ProduceRequest.newBuilder()
                            .setTopic("nodisk")
                            .setPartition(0)
                            .setBatch(PlainGrpcClientTest.batch(PlainGrpcClientTest.record(new byte[] {1}, "v")))
                            .build()),
                Status.Code.RESOURCE_EXHAUSTED,
                "STORAGE_FULL");
        assertTrue(e.getStatus().getDescription().contains("nearly full"), e.getStatus().getDescription());
        var fetched =
            broker.fetch(FetchRequest.newBuilder().setTopic("nodisk").setPartition(0).setOffset(0).build());
        assertEquals(0, fetched.getHighWatermark());
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
