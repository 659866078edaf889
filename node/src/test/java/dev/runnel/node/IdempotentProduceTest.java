package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.InitProducerIdRequest;
import dev.runnel.proto.v1.InitProducerIdResponse;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent produce as a plain gRPC client sees it: producer ids, retries, gaps and fencing. */
class IdempotentProduceTest {
  @TempDir Path dataDir;

  @Test
  void retriesAreWrittenOnceGapsRefusedAndOldInstancesFenced() throws Exception {
    RunnelNode node = TestNodes.start(dataDir);
    ManagedChannel channel = TestNodes.channel(node);
    try {
      AdminGrpc.newBlockingStub(channel)
          .createTopic(CreateTopicRequest.newBuilder().setName("once").setPartitions(1).build());
      BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
      InitProducerIdResponse anonymous = broker.initProducerId(InitProducerIdRequest.getDefaultInstance());
      InitProducerIdResponse other = broker.initProducerId(InitProducerIdRequest.getDefaultInstance());
      assertTrue(anonymous.getProducerId() > 0);
      assertNotEquals(anonymous.getProducerId(), other.getProducerId(), "every producer gets its own id");

      ProduceRequest first = produce(anonymous, 0, "a", "b");
      ProduceResponse written = broker.produce(first);
      ProduceResponse retried = broker.produce(first); // as if the first answer was lost
      assertFalse(written.getDuplicate());
      assertTrue(retried.getDuplicate());
      assertEquals(written.getBaseOffset(), retried.getBaseOffset());
      assertEquals(2, broker.produce(produce(anonymous, 2, "c")).getBaseOffset());

      assertError(ErrorReason.OUT_OF_ORDER_SEQUENCE, () -> broker.produce(produce(anonymous, 5, "gap")));
      assertEquals(3, highWatermark(broker), "each record once, the gap refused");

      // A named producer: a second instance gets the same id with a higher epoch, fencing the first.
      InitProducerIdRequest named = InitProducerIdRequest.newBuilder().setProducerName("billing").build();
      InitProducerIdResponse zombie = broker.initProducerId(named);
      broker.produce(produce(zombie, 0, "z1"));
      InitProducerIdResponse successor = broker.initProducerId(named);
      assertEquals(zombie.getProducerId(), successor.getProducerId());
      assertEquals(zombie.getProducerEpoch() + 1, successor.getProducerEpoch());
      broker.produce(produce(successor, 0, "s1"));
      assertError(ErrorReason.PRODUCER_FENCED, () -> broker.produce(produce(zombie, 1, "z2")));

      assertError(ErrorReason.INVALID_REQUEST, () -> broker.produce(
          ProduceRequest.newBuilder().setTopic("once").setBatch(batch("x").toBuilder()
              .setProducerId(anonymous.getProducerId()).setProducerEpoch(70_000)).build()));
      assertEquals(5, highWatermark(broker));
    } finally {
      channel.shutdownNow();
      node.close();
    }

    // The producer state is part of the partition: a retry after a restart is still recognised.
    node = TestNodes.start(dataDir);
    channel = TestNodes.channel(node);
    try {
      BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
      InitProducerIdResponse successor =
          broker.initProducerId(InitProducerIdRequest.newBuilder().setProducerName("billing").build());
      assertEquals(2, successor.getProducerEpoch(), "epochs survive a restart of the controller");
      ProduceResponse again = broker.produce(produce(
          InitProducerIdResponse.newBuilder(successor).setProducerEpoch(1).build(), 0, "s1"));
      assertTrue(again.getDuplicate());
      assertEquals(4, again.getBaseOffset());
      assertEquals(5, highWatermark(broker));
    } finally {
      channel.shutdownNow();
      node.close();
    }
  }

  /** The node's producer.id.expiration.ms reaches the partition: an idle producer is forgotten. */
  @Test
  void anIdleProducerIsForgottenAfterTheNodesExpiration() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("producer.id.expiration.ms", "1000");
    RunnelNode node = TestNodes.start(config);
    ManagedChannel channel = TestNodes.channel(node);
    try {
      AdminGrpc.newBlockingStub(channel)
          .createTopic(CreateTopicRequest.newBuilder().setName("once").setPartitions(1).build());
      BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
      InitProducerIdResponse producer = broker.initProducerId(InitProducerIdRequest.getDefaultInstance());
      broker.produce(produce(producer, 0, "a"));
      long idleSinceNs = System.nanoTime();
      assertTrue(broker.produce(produce(producer, 0, "a")).getDuplicate(), "remembered while active");
      // Time is what is tested here: the producer must be idle past the expiration.
      Thread.sleep(Math.max(0, 1_200 - (System.nanoTime() - idleSinceNs) / 1_000_000));
      assertError(ErrorReason.OUT_OF_ORDER_SEQUENCE, () -> broker.produce(produce(producer, 1, "b")));
      InitProducerIdResponse nextEpoch =
          InitProducerIdResponse.newBuilder(producer).setProducerEpoch(producer.getProducerEpoch() + 1).build();
      assertEquals(1, broker.produce(produce(nextEpoch, 0, "b")).getBaseOffset());
    } finally {
      channel.shutdownNow();
      node.close();
    }
  }

  private static ProduceRequest produce(InitProducerIdResponse producer, int baseSequence, String... values) {
    RecordBatch batch =
        batch(values).toBuilder()
            .setProducerId(producer.getProducerId())
            .setProducerEpoch(producer.getProducerEpoch())
            .setBaseSequence(baseSequence)
            .build();
    return ProduceRequest.newBuilder().setTopic("once").setPartition(0).setBatch(batch).build();
  }

  private static RecordBatch batch(String... values) {
    RecordSet.Builder records = RecordSet.newBuilder();
    for (String value : values) {
      records.addRecords(Record.newBuilder().setValue(ByteString.copyFromUtf8(value)));
    }
    return RecordBatch.newBuilder().setRecordCount(values.length).setRecords(records).build();
  }

  private static long highWatermark(BrokerGrpc.BrokerBlockingStub broker) {
    return broker.fetch(FetchRequest.newBuilder().setTopic("once").setPartition(0).build()).getHighWatermark();
  }

  private static void assertError(ErrorReason reason, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    ErrorInfo info = null;
    for (var detail : StatusProto.fromThrowable(e).getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          info = detail.unpack(ErrorInfo.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException bad) {
          throw new AssertionError(bad);
        }
      }
    }
    assertEquals(reason.name(), info == null ? null : info.getReason(), e.getMessage());
    if (reason != ErrorReason.INVALID_REQUEST) {
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    }
  }
}
