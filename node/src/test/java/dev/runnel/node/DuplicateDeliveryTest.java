package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.BrokerGrpc;
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
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network loses produce answers and delivers produce requests twice; the idempotent producer
 * retries, and every record is stored exactly once, in send order.
 */
class DuplicateDeliveryTest {
  private static final String TOPIC = "lossy";
  private static final int PARTITIONS = 3;
  private static final int RECORDS = 2_000;

  @TempDir Path dataDir;

  @Test
  void lostAnswersAndRepeatedRequestsStoreEachRecordOnce() throws Exception {
    RunnelNode node = TestNodes.start(dataDir);
    LossyTransport transport = new LossyTransport();
    try (Admin admin = Admin.create("127.0.0.1:" + node.grpcPort())) {
      admin.createTopic(TOPIC, PARTITIONS, 1, Map.of());
      Map<Integer, List<String>> acked = new HashMap<>();
      try (Producer producer =
          Producer.builder()
              .bootstrap("127.0.0.1:" + node.grpcPort())
              .channelFactory(transport::channel)
              .lingerMs(1)
              .retryBackoffMs(1)
              .build()) {
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
          sends.add(producer.send(ProducerRecord.of(TOPIC, ("k" + i % 7).getBytes(StandardCharsets.UTF_8),
              ("v" + i).getBytes(StandardCharsets.UTF_8))));
        }
        producer.flush();
        for (int i = 0; i < RECORDS; i++) {
          acked.computeIfAbsent(sends.get(i).join().partition(), p -> new ArrayList<>()).add("v" + i);
        }
      }
      assertTrue(transport.lostAnswers.get() > 0 && transport.repeats.get() > 0,
          "the transport did lose answers (" + transport.lostAnswers + ") and repeat requests (" + transport.repeats + ")");
      for (int p = 0; p < PARTITIONS; p++) {
        assertEquals(acked.getOrDefault(p, List.of()), TestNodes.readValues(node, TOPIC, p), "partition " + p);
      }
    } finally {
      transport.close();
      node.close();
    }
  }


  /**
   * On the producer's ProduceStream, every 3rd answer is lost together with the stream (as when a
   * connection drops), and every 4th request is delivered twice, as a network might.
   */
  private static final class LossyTransport extends InterceptedTransport {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger answers = new AtomicInteger();
    final AtomicInteger lostAnswers = new AtomicInteger();
    final AtomicInteger repeats = new AtomicInteger();


    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (!method.getFullMethodName().equals(BrokerGrpc.getProduceStreamMethod().getFullMethodName())) {
        return next.newCall(method, options);
      }
      return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
        private volatile boolean lost;

        @Override
        public void start(Listener<R> listener, Metadata headers) {
          ClientCall<Q, R> call = this;
          super.start(new SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onMessage(R message) {
              if (lost) {
                return;
              }
              if (answers.incrementAndGet() % 3 == 0) {
                lost = true;
                lostAnswers.incrementAndGet();
                call.cancel("answer lost by the test transport", null);
                return;
              }
              super.onMessage(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              super.onClose(lost ? Status.UNAVAILABLE.withDescription("answer lost by the test transport") : status,
                  trailers);
            }
          }, headers);
        }

        @Override
        public void sendMessage(Q message) {
          super.sendMessage(message);
          if (requests.incrementAndGet() % 4 == 0) {
            repeats.incrementAndGet();
            super.sendMessage(message);
          }
        }
      };
    }

  }
}
