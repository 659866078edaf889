package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.ProduceStreamRequest;
import dev.runnel.proto.v1.ProduceStreamResponse;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer keeps several batches of one partition in flight on its ProduceStream. When one of
 * them is lost before reaching the node, the ones behind it are refused as out of sequence; the
 * producer resends them all in their original order under the same producer epoch, so the log
 * holds every record once, in send order, and no epoch bump was needed.
 */
class PipelinedProduceTest {
  private static final String TOPIC = "pipelined";
  private static final int RECORDS = 3_000;

  @TempDir Path dataDir;

  @Test
  void lostRequestInThePipelineIsResentInOrderUnderTheSameEpoch() throws Exception {
    RunnelNode node = TestNodes.start(dataDir);
    DroppingTransport transport = new DroppingTransport();
    try (Admin admin = Admin.create("127.0.0.1:" + node.grpcPort())) {
      admin.createTopic(TOPIC, 1, 1, Map.of());
      List<String> acked = new ArrayList<>();
      try (Producer producer =
          Producer.builder()
              .bootstrap("127.0.0.1:" + node.grpcPort())
              .channelFactory(transport::channel)
              .batchSizeBytes(512)
              .lingerMs(0)
              .retryBackoffMs(1)
              .build()) {
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
          sends.add(producer.send(ProducerRecord.of(TOPIC, null, ("v" + i).getBytes(StandardCharsets.UTF_8))));
        }
        producer.flush();
        for (int i = 0; i < RECORDS; i++) {
          sends.get(i).join();
          acked.add("v" + i);
        }
      }
      assertTrue(transport.dropped.get() > 0, "the transport dropped requests");
      assertTrue(transport.inFlightMax.get() > 1,
          "several batches were in flight at once (at most " + transport.inFlightMax + ")");
      List<RecordBatch> stored = TestNodes.readBatches(node, TOPIC, 0);
      List<String> values = new ArrayList<>();
      Set<Integer> epochs = new HashSet<>();
      for (RecordBatch batch : stored) {
        epochs.add(batch.getProducerEpoch());
        batch.getRecords().getRecordsList().forEach(r -> values.add(r.getValue().toStringUtf8()));
      }
      assertEquals(acked, values);
      assertEquals(Set.of(0), epochs, "a request lost in the pipeline needs no new epoch");
    } finally {
      transport.close();
      node.close();
    }
  }


  /**
   * Every 7th ProduceStream request never reaches the node; the producer is told it was not
   * delivered (UNAVAILABLE, as if the node had been unreachable for that request). Also tracks
   * how many requests were unanswered at once.
   */
  private static final class DroppingTransport extends InterceptedTransport {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();
    final AtomicInteger inFlightMax = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();


    @Override
    @SuppressWarnings("unchecked")
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (!method.getFullMethodName().equals(BrokerGrpc.getProduceStreamMethod().getFullMethodName())) {
        return next.newCall(method, options);
      }
      return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
        private Listener<R> listener;

        @Override
        public void start(Listener<R> responseListener, Metadata headers) {
          listener = responseListener;
          super.start(new SimpleForwardingClientCallListener<>(responseListener) {
            @Override
            public void onMessage(R message) {
              inFlight.decrementAndGet();
              super.onMessage(message);
            }
          }, headers);
        }

        @Override
        public void sendMessage(Q message) {
          if (requests.incrementAndGet() % 7 == 0) {
            dropped.incrementAndGet();
            ProduceStreamRequest request = (ProduceStreamRequest) message;
            listener.onMessage((R) ProduceStreamResponse.newBuilder()
                .setCorrelationId(request.getCorrelationId())
                .setError(com.google.rpc.Status.newBuilder()
                    .setCode(Code.UNAVAILABLE_VALUE)
                    .setMessage("request dropped by the test transport"))
                .build());
            return;
          }
          inFlightMax.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          super.sendMessage(message);
        }
      };
    }

  }
}
