package dev.runnel.node;

import static dev.runnel.node.PlainGrpcClientTest.batch;
import static dev.runnel.node.PlainGrpcClientTest.reasonOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.DescribeTopicRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.ListTopicsRequest;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets a clear, typed error and leaves the log as it was. */
class BadInputTest {
  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static ManagedChannel channel;
  private static AdminGrpc.AdminBlockingStub admin;
  private static BrokerGrpc.BrokerBlockingStub broker;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir);
    channel = TestNodes.channel(node);
    admin = AdminGrpc.newBlockingStub(channel);
    broker = BrokerGrpc.newBlockingStub(channel);
    admin.createTopic(
        CreateTopicRequest.newBuilder()
            .setName("small")
            .setPartitions(1)
            .putConfigs("max.message.bytes", "1024")
            .build());
    broker.produce(
        ProduceRequest.newBuilder().setTopic("small").setPartition(0).setBatch(batch(value("ok"))).build());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    node.close();
  }

  @Test
  void unknownTopic() {
    StatusRuntimeException e =
        fails(
            () ->
                broker.produce(
                    ProduceRequest.newBuilder()
                        .setTopic("nope")
                        .setPartition(0)
                        .setBatch(batch(value("x")))
                        .build()),
            Status.Code.NOT_FOUND,
            "UNKNOWN_TOPIC");
    assertTrue(e.getStatus().getDescription().contains("'nope' does not exist"));
    fails(
        () -> broker.fetch(FetchRequest.newBuilder().setTopic("nope").build()),
        Status.Code.NOT_FOUND,
        "UNKNOWN_TOPIC");
  }

  @Test
  void unknownPartition() {
    fails(
        () ->
            broker.produce(
                ProduceRequest.newBuilder().setTopic("small").setPartition(1).setBatch(batch(value("x"))).build()),
        Status.Code.NOT_FOUND,
        "UNKNOWN_PARTITION");
    assertHighWatermark(1);
  }

  @Test
  void invalidTopicNames() {
    int before = admin.listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsCount();
    for (String name : new String[] {"", "has space", "slash/", ".", "..", "x".repeat(250), "ünï"}) {
      fails(
          () -> admin.createTopic(CreateTopicRequest.newBuilder().setName(name).setPartitions(1).build()),
          Status.Code.INVALID_ARGUMENT,
          "INVALID_TOPIC_NAME");
    }
    assertEquals(before, admin.listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsCount());
    // The longest legal name is fine.
    admin.createTopic(CreateTopicRequest.newBuilder().setName("y".repeat(249)).setPartitions(1).build());
  }

  @Test
  void badPartitionCounts() {
    for (int partitions : new int[] {0, -1, 100_000}) {
      fails(
          () ->
              admin.createTopic(
                  CreateTopicRequest.newBuilder().setName("p" + Math.abs(partitions)).setPartitions(partitions).build()),
          Status.Code.INVALID_ARGUMENT,
          "INVALID_PARTITIONS");
    }
  }

  @Test
  void badConfigsAndReplicationFactor() {
    fails(
        () ->
            admin.createTopic(
                CreateTopicRequest.newBuilder().setName("cfg").setPartitions(1).putConfigs("retention.mx", "1").build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_CONFIG");
    fails(
        () ->
            admin.createTopic(
                CreateTopicRequest.newBuilder()
                    .setName("cfg")
                    .setPartitions(1)
                    .putConfigs("max.message.bytes", "lots")
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_CONFIG");
    fails(
        () ->
            admin.createTopic(
                CreateTopicRequest.newBuilder().setName("cfg").setPartitions(1).setReplicationFactor(3).build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REPLICATION_FACTOR");
  }

  @Test
  void existingTopic() {
    StatusRuntimeException e =
        fails(
            () -> admin.createTopic(CreateTopicRequest.newBuilder().setName("small").setPartitions(3).build()),
            Status.Code.ALREADY_EXISTS,
            "TOPIC_ALREADY_EXISTS");
    assertTrue(e.getStatus().getDescription().contains("already exists"));
    assertEquals(
        1, admin.describeTopic(DescribeTopicRequest.newBuilder().setName("small").build()).getPartitionsCount());
  }

  @Test
  void batchAboveMaxMessageBytes() {
    StatusRuntimeException e =
        fails(
            () ->
                broker.produce(
                    ProduceRequest.newBuilder()
                        .setTopic("small")
                        .setPartition(0)
                        .setBatch(batch(value("v".repeat(2000))))
                        .build()),
            Status.Code.INVALID_ARGUMENT,
            "RECORD_TOO_LARGE");
    assertEquals("1024", metadataOf(e).get("max_message_bytes"));
    assertHighWatermark(1);
  }

  @Test
  void corruptedBatch() {
    RecordBatch good = batch(value("payload"));
    RecordBatch corrupt = good.toBuilder().setCrc32C(0xdeadbeef).build();
    fails(
        () -> broker.produce(ProduceRequest.newBuilder().setTopic("small").setPartition(0).setBatch(corrupt).build()),
        Status.Code.INVALID_ARGUMENT,
        "CORRUPT_BATCH");
    assertHighWatermark(1);
  }

  @Test
  void recordCountThatLies() {
    RecordBatch lying = batch(value("a"), value("b")).toBuilder().setRecordCount(5).build();
    fails(
        () -> broker.produce(ProduceRequest.newBuilder().setTopic("small").setPartition(0).setBatch(lying).build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REQUEST");
    RecordBatch empty = RecordBatch.newBuilder().setRecordCount(1).build();
    fails(
        () -> broker.produce(ProduceRequest.newBuilder().setTopic("small").setPartition(0).setBatch(empty).build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REQUEST");
    assertHighWatermark(1);
  }

  @Test
  void offsetsOutsideTheLogNameTheValidRange() {
    for (long offset : new long[] {-1, 2, 1_000_000}) {
      StatusRuntimeException e =
          fails(
              () -> broker.fetch(FetchRequest.newBuilder().setTopic("small").setPartition(0).setOffset(offset).build()),
              Status.Code.OUT_OF_RANGE,
              "OFFSET_OUT_OF_RANGE");
      assertEquals("0", metadataOf(e).get("log_start_offset"));
      assertEquals("1", metadataOf(e).get("high_watermark"));
      assertTrue(e.getStatus().getDescription().contains("0..1"), e.getStatus().getDescription());
    }
    // The end of the log itself is a valid position: an empty answer, not an error.
    assertEquals(
        0,
        broker.fetch(FetchRequest.newBuilder().setTopic("small").setPartition(0).setOffset(1).build()).getBatchesCount());
  }

  private static Record value(String v) {
    return Record.newBuilder().setValue(ByteString.copyFromUtf8(v)).build();
  }

  private static void assertHighWatermark(long expected) {
    assertEquals(
        expected,
        admin
            .describeTopic(DescribeTopicRequest.newBuilder().setName("small").build())
            .getPartitions(0)
            .getHighWatermark());
  }

  static StatusRuntimeException fails(Executable call, Status.Code code, String reason) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(reason, reasonOf(e), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().startsWith(reason + ": "), e.getStatus().getDescription());
    return e;
  }

  static Map<String, String> metadataOf(StatusRuntimeException e) {
    try {
      for (var any : StatusProto.fromThrowable(e).getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          return any.unpack(ErrorInfo.class).getMetadataMap();
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
    return Map.of();
  }
}
