package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.runnel.proto.Partitioning;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that has nothing but the .proto files (as grpcurl or any language would): it sends
 * plain RecordBatch messages without a CRC or a partition and reads them back.
 */
class PlainGrpcClientTest {
  @TempDir Path dataDir;
  private RunnelNode node;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    node = TestNodes.start(dataDir);
    channel = TestNodes.channel(node);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    node.close();
  }

  @Test
  void producesWithoutPartitionOrCrcAndFetchesBack() {
    AdminGrpc.newBlockingStub(channel)
        .createTopic(CreateTopicRequest.newBuilder().setName("plain").setPartitions(4).build());
    BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);

    byte[] key = "card-7".getBytes(StandardCharsets.UTF_8);
    ProduceResponse keyed =
        broker.produce(
            ProduceRequest.newBuilder()
                .setTopic("plain")
                .setBatch(batch(record(key, "a"), record(key, "b")))
                .build());
    assertEquals(Partitioning.partitionForKey(key, 4), keyed.getPartition());
    assertEquals(0, keyed.getBaseOffset());

    ProduceResponse again =
        broker.produce(
            ProduceRequest.newBuilder().setTopic("plain").setBatch(batch(record(key, "c"))).build());
    assertEquals(keyed.getPartition(), again.getPartition());
    assertEquals(2, again.getBaseOffset());

    FetchResponse fetched =
        broker.fetch(
            FetchRequest.newBuilder()
                .setTopic("plain")
                .setPartition(keyed.getPartition())
                .setOffset(0)
                .build());
    assertEquals(3, fetched.getHighWatermark());
    assertEquals(2, fetched.getBatchesCount());
    assertEquals(0, fetched.getBatches(0).getBaseOffset());
    assertEquals("a", fetched.getBatches(0).getRecords().getRecords(0).getValue().toStringUtf8());
    assertEquals("b", fetched.getBatches(0).getRecords().getRecords(1).getValue().toStringUtf8());
    assertEquals(2, fetched.getBatches(1).getBaseOffset());
    assertEquals("c", fetched.getBatches(1).getRecords().getRecords(0).getValue().toStringUtf8());
    assertTrue(fetched.getBatches(0).getLogAppendTimeMs() > 0);
  }

  @Test
  void mixedKeysWithoutPartitionAreRefused() {
    AdminGrpc.newBlockingStub(channel)
        .createTopic(CreateTopicRequest.newBuilder().setName("mixed").setPartitions(2).build());
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                BrokerGrpc.newBlockingStub(channel)
                    .produce(
                        ProduceRequest.newBuilder()
                            .setTopic("mixed")
                            .setBatch(batch(record("k1".getBytes(), "x"), record("k2".getBytes(), "y")))
                            .build()));
    assertEquals("INVALID_REQUEST", reasonOf(e));
  }

  static RecordBatch batch(Record... records) {
    return RecordBatch.newBuilder()
        .setRecordCount(records.length)
        .setRecords(RecordSet.newBuilder().addAllRecords(java.util.List.of(records)))
        .build();
  }

  static Record record(byte[] key, String value) {
    return Record.newBuilder()
        .setKey(ByteString.copyFrom(key))
        .setValue(ByteString.copyFromUtf8(value))
        .build();
  }

  static String reasonOf(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(any -> any.is(ErrorInfo.class))
        .map(
            any -> {
              try {
                return any.unpack(ErrorInfo.class).getReason();
              } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
              }
            })
        .findFirst()
        .orElse("none");
  }
}
