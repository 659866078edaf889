package dev.runnel.node;

import static dev.runnel.node.PlainGrpcClientTest.batch;
import static dev.runnel.node.PlainGrpcClientTest.record;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.DeleteTopicRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.ListOffsetsRequest;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.SubscribeRequest;
import dev.runnel.proto.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscribeAndAdminPortTest {
  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir);
    channel = TestNodes.channel(node);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    node.close();
  }

  @Test
  void subscribePushesBatchesCommittedAfterItStarted() {
    create("live", 1);
    BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
    broker.produce(produce("live", "before"));

    List<RecordBatch> received = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    BrokerGrpc.newStub(channel)
        .subscribe(
            SubscribeRequest.newBuilder().setTopic("live").setPartition(0).build(),
            collector(received, failure));
    // A subscription from "latest" starts after "before".
    for (int i = 0; i < 5; i++) {
      broker.produce(produce("live", "after-" + i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(1 + i, received.get(i).getBaseOffset());
      assertEquals("after-" + i, received.get(i).getRecords().getRecords(0).getValue().toStringUtf8());
    }
    assertEquals(null, failure.get());
  }

  @Test
  void subscribeFromEarliestThenEndsWhenTheTopicIsDeleted() {
    create("doomed", 1);
    BrokerGrpc.newBlockingStub(channel).produce(produce("doomed", "first"));
    List<RecordBatch> received = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    BrokerGrpc.newStub(channel)
        .subscribe(
            SubscribeRequest.newBuilder()
                .setTopic("doomed")
                .setPartition(0)
                .setStart(OffsetSpec.OFFSET_SPEC_EARLIEST)
                .build(),
            collector(received, failure));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    AdminGrpc.newBlockingStub(channel).deleteTopic(DeleteTopicRequest.newBuilder().setName("doomed").build());
    await().atMost(Duration.ofSeconds(10)).until(() -> failure.get() != null);
    assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(failure.get()).getCode());
  }

  @Test
  void longPollFetchWaitsForData() throws Exception {
    create("poll", 1);
    Thread producer =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              BrokerGrpc.newBlockingStub(channel).produce(produce("poll", "late"));
            });
    producer.start();
    var response =
        BrokerGrpc.newBlockingStub(channel)
            .fetch(FetchRequest.newBuilder().setTopic("poll").setPartition(0).setOffset(0).setMaxWaitMs(10_000).build());
    producer.join();
    assertEquals(1, response.getBatchesCount());
    assertEquals("late", response.getBatches(0).getRecords().getRecords(0).getValue().toStringUtf8());
  }

  @Test
  void listOffsetsByEarliestLatestAndTimestamp() {
    create("times", 1);
    BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
    for (long ts : new long[] {1_000, 2_000, 3_000}) {
      RecordBatch b = batch(record(new byte[] {1}, "t" + ts)).toBuilder().setFirstTimestampMs(ts).setMaxTimestampMs(ts).build();
      broker.produce(ProduceRequest.newBuilder().setTopic("times").setPartition(0).setBatch(b).build());
    }
    AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel);
    assertEquals(0, offset(admin, ListOffsetsRequest.newBuilder().setSpec(OffsetSpec.OFFSET_SPEC_EARLIEST)));
    assertEquals(3, offset(admin, ListOffsetsRequest.newBuilder().setSpec(OffsetSpec.OFFSET_SPEC_LATEST)));
    assertEquals(1, offset(admin, ListOffsetsRequest.newBuilder().setTimestampMs(1_500)));
    assertEquals(2, offset(admin, ListOffsetsRequest.newBuilder().setTimestampMs(3_000)));
    assertEquals(-1, offset(admin, ListOffsetsRequest.newBuilder().setTimestampMs(9_000)));
  }

  @Test
  void adminPortServesHealthReadyAndMetrics() throws Exception {
    create("metered", 1);
    BrokerGrpc.newBlockingStub(channel).produce(produce("metered", "m"));
    HttpClient http = HttpClient.newHttpClient();
    assertEquals(200, get(http, "/health").statusCode());
    await().atMost(Duration.ofSeconds(10)).until(() -> get(http, "/ready").statusCode() == 200);
    String metrics = get(http, "/metrics").body();
    assertTrue(metrics.contains("# TYPE runnel_records_in_total counter"), metrics);
    assertTrue(metrics.contains("runnel_topic_records_in_total{topic=\"metered\"} 1.0"), metrics);
    assertTrue(metrics.contains("runnel_produce_requests_seconds{quantile=\"0.99\"}"), metrics);
    assertTrue(metrics.contains("runnel_raft_commit_latency_seconds_count"), metrics);
    assertTrue(metrics.contains("runnel_lmdb_map_size_bytes"), metrics);
  }

  @Test
  void reflectionAndHealthServicesAreOn() {
    var health =
        io.grpc.health.v1.HealthGrpc.newBlockingStub(channel)
            .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
    assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    StatusRuntimeException unknownService =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () ->
                io.grpc.health.v1.HealthGrpc.newBlockingStub(channel)
                    .check(io.grpc.health.v1.HealthCheckRequest.newBuilder().setService("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, unknownService.getStatus().getCode());
  }

  private static long offset(AdminGrpc.AdminBlockingStub admin, ListOffsetsRequest.Builder request) {
    return admin.listOffsets(request.setTopic("times").build()).getOffsets(0).getOffset();
  }

  private static HttpResponse<String> get(HttpClient http, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void create(String topic, int partitions) {
    AdminGrpc.newBlockingStub(channel)
        .createTopic(CreateTopicRequest.newBuilder().setName(topic).setPartitions(partitions).build());
  }

  private static ProduceRequest produce(String topic, String value) {
    return ProduceRequest.newBuilder()
        .setTopic(topic)
        .setPartition(0)
        .setBatch(batch(record(new byte[] {7}, value)))
        .build();
  }

  private static StreamObserver<SubscribeResponse> collector(
      List<RecordBatch> received, AtomicReference<Throwable> failure) {
    return new StreamObserver<>() {
      @Override
      public void onNext(SubscribeResponse value) {
        received.addAll(value.getBatchesList());
      }

      @Override
      public void onError(Throwable t) {
        failure.set(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
