package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.SubscribeRequest;
import dev.runnel.proto.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscriber that reads nothing must not make the node queue what it has not read: the node
 * sends only while the transport is ready, so its output stays near the flow-control windows
 * however much data is stored.
 */
class SubscribeFlowControlTest {
  private static final int BATCH_BYTES = 256 * 1024;
  private static final int BATCHES = 128; // 32 MiB stored
  /** gRPC's windows (64 KiB default, up to ~1 MiB with auto-tuning) plus a few messages. */
  private static final long QUEUED_BYTES_MAX = 8L << 20;

  @TempDir Path dataDir;

  @Test
  void aStalledReaderHoldsTheNodeBackUntilItReadsAgain() throws Exception {
    try (RunnelNode node = TestNodes.start(dataDir)) {
      ManagedChannel channel =
          TestNodes.channel(node);
      try {
        AdminGrpc.newBlockingStub(channel)
            .createTopic(CreateTopicRequest.newBuilder().setName("flood").setPartitions(1).build());
        BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
        RecordBatch batch =
            TestNodes.zeroBatch(BATCH_BYTES);
        for (int i = 0; i < BATCHES; i++) {
          broker.produce(ProduceRequest.newBuilder().setTopic("flood").setPartition(0).setBatch(batch).build());
        }

        AtomicLong received = new AtomicLong();
        AtomicReference<ClientCallStreamObserver<SubscribeRequest>> call = new AtomicReference<>();
        BrokerGrpc.newStub(channel)
            .subscribe(
                SubscribeRequest.newBuilder()
                    .setTopic("flood")
                    .setPartition(0)
                    .setStart(OffsetSpec.OFFSET_SPEC_EARLIEST)
                    .setMaxBytes(BATCH_BYTES * 2)
                    .build(),
                new ClientResponseObserver<SubscribeRequest, SubscribeResponse>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
                    requestStream.disableAutoRequestWithInitial(1);
                    call.set(requestStream);
                  }

                  @Override
                  public void onNext(SubscribeResponse value) {
                    received.addAndGet(value.getBatchesCount());
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });

        await().atMost(Duration.ofSeconds(10)).until(() -> received.get() > 0);
        // Give the node every chance to push more than flow control allows.
        long sentBytes = settledBytesOut(node);
        assertTrue(
            sentBytes < QUEUED_BYTES_MAX,
            "the node pushed " + sentBytes + " bytes to a reader that asked for one message");

        // Reading again drains the rest: nothing was lost while the stream was held back.
        call.get().request(Integer.MAX_VALUE);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == BATCHES);
        assertEquals(BATCHES, received.get());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** The node's bytes-out counter once it stopped moving for a while. */
  private static long settledBytesOut(RunnelNode node) {
    AtomicLong last = new AtomicLong(-1);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> last.getAndSet(node.metrics().bytesOut.getCount()) == node.metrics().bytesOut.getCount());
    return last.get();
  }
}
