package dev.runnel.node;

import static dev.runnel.node.BadInputTest.fails;
import static dev.runnel.node.BadInputTest.metadataOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.AlterTopicConfigsRequest;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.DeleteRecordsRequest;
import dev.runnel.proto.v1.DescribeTopicRequest;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.PartitionDescription;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by size and time, DeleteRecords, and topic config changes at run time. */
class RetentionTest {
  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static ManagedChannel channel;
  private static AdminGrpc.AdminBlockingStub admin;
  private static BrokerGrpc.BrokerBlockingStub broker;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("log.retention.check.interval.ms", "200");
    node = TestNodes.start(config);
    channel = TestNodes.channel(node);
    admin = AdminGrpc.newBlockingStub(channel);
    broker = BrokerGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    node.close();
  }

  @Test
  void sizeRetentionDeletesTheOldestBatchesAndKeepsTheLimit() {
    admin.createTopic(
        CreateTopicRequest.newBuilder()
            .setName("sized")
            .setPartitions(1)
            .putConfigs("retention.bytes", "10000")
            .build());
    for (int i = 0; i < 30; i++) {
      produce("sized", i, System.currentTimeMillis());
    }
    // Retention works in passes; wait until the passes have brought the log down to the limit.
    await().atMost(Duration.ofSeconds(10)).until(() -> partition("sized").getSizeBytes() < 12_000);
    PartitionDescription p = partition("sized");
    assertTrue(p.getLogStartOffset() > 0);
    assertTrue(p.getSizeBytes() >= 10_000, "never below retention.bytes: " + p.getSizeBytes());
    assertEquals(30, p.getHighWatermark());
    // What is left reads back from the new start; below it is out of range.
    var kept = fetch("sized", p.getLogStartOffset());
    assertEquals(p.getLogStartOffset(), kept.getBatches(0).getBaseOffset());
    var e =
        fails(() -> fetch("sized", 0), Status.Code.OUT_OF_RANGE, "OFFSET_OUT_OF_RANGE");
    assertEquals(Long.toString(p.getLogStartOffset()), metadataOf(e).get("log_start_offset"));
  }

  @Test
  void timeRetentionSwitchedOnAtRunTime() {
    admin.createTopic(CreateTopicRequest.newBuilder().setName("aged").setPartitions(1).build());
    long hourAgo = System.currentTimeMillis() - 3_600_000;
    for (int i = 0; i < 5; i++) {
      produce("aged", i, hourAgo);
    }
    for (int i = 5; i < 10; i++) {
      produce("aged", i, System.currentTimeMillis());
    }
    // The default (7 days) keeps everything.
    assertEquals(0, partition("aged").getLogStartOffset());
    var altered =
        admin.alterTopicConfigs(
            AlterTopicConfigsRequest.newBuilder().setName("aged").putSet("retention.ms", "600000").build());
    assertEquals("600000", altered.getConfigsOrThrow("retention.ms"));
    await().atMost(Duration.ofSeconds(10)).until(() -> partition("aged").getLogStartOffset() == 5);
    assertEquals(10, partition("aged").getHighWatermark());
    // Back to the default: nothing more goes, nothing comes back.
    var reset =
        admin.alterTopicConfigs(
            AlterTopicConfigsRequest.newBuilder().setName("aged").addDelete("retention.ms").build());
    assertEquals("604800000", reset.getConfigsOrThrow("retention.ms"));
  }

  @Test
  void deleteRecordsMovesTheStartAndChecksTheRange() {
    admin.createTopic(CreateTopicRequest.newBuilder().setName("trimmed").setPartitions(1).build());
    for (int i = 0; i < 10; i++) {
      produce("trimmed", i, System.currentTimeMillis());
    }
    var deleted =
        admin.deleteRecords(
            DeleteRecordsRequest.newBuilder().setTopic("trimmed").setPartition(0).setBeforeOffset(4).build());
    assertEquals(4, deleted.getLogStartOffset());
    assertEquals(4, fetch("trimmed", 4).getBatches(0).getBaseOffset());
    fails(
        () ->
            admin.deleteRecords(
                DeleteRecordsRequest.newBuilder().setTopic("trimmed").setPartition(0).setBeforeOffset(11).build()),
        Status.Code.OUT_OF_RANGE,
        "OFFSET_OUT_OF_RANGE");
    var all =
        admin.deleteRecords(
            DeleteRecordsRequest.newBuilder().setTopic("trimmed").setPartition(0).setBeforeOffset(-1).build());
    assertEquals(10, all.getLogStartOffset());
    assertEquals(0, fetch("trimmed", 10).getBatchesCount());
    assertEquals(10, produce("trimmed", 10, System.currentTimeMillis()), "offsets go on after deletion");
  }

  @Test
  void badConfigChangesAreRefusedAndChangeNothing() {
    admin.createTopic(CreateTopicRequest.newBuilder().setName("strict").setPartitions(1).build());
    fails(
        () ->
            admin.alterTopicConfigs(
                AlterTopicConfigsRequest.newBuilder().setName("strict").putSet("retention.mss", "1").build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_CONFIG");
    fails(
        () ->
            admin.alterTopicConfigs(
                AlterTopicConfigsRequest.newBuilder().setName("strict").putSet("retention.ms", "-2").build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_CONFIG");
    fails(
        () ->
            admin.alterTopicConfigs(
                AlterTopicConfigsRequest.newBuilder().setName("nope").putSet("retention.ms", "1").build()),
        Status.Code.NOT_FOUND,
        "UNKNOWN_TOPIC");
    assertEquals(
        "604800000",
        admin.describeTopic(DescribeTopicRequest.newBuilder().setName("strict").build()).getConfigsOrThrow("retention.ms"));
  }

  private static long produce(String topic, int value, long timestampMs) {
    RecordBatch batch =
        RecordBatch.newBuilder()
            .setRecordCount(1)
            .setFirstTimestampMs(timestampMs)
            .setMaxTimestampMs(timestampMs)
            .setRecords(
                RecordSet.newBuilder()
                    .addRecords(
                        Record.newBuilder()
                            .setValue(ByteString.copyFrom(new byte[1000]))
                            .setKey(ByteString.copyFromUtf8(Integer.toString(value)))
                            .setTimestampMs(timestampMs)))
            .build();
    return broker
        .produce(ProduceRequest.newBuilder().setTopic(topic).setPartition(0).setBatch(batch).build())
        .getBaseOffset();
  }

  private static dev.runnel.proto.v1.FetchResponse fetch(String topic, long offset) {
    return broker.fetch(FetchRequest.newBuilder().setTopic(topic).setPartition(0).setOffset(offset).build());
  }

  private static PartitionDescription partition(String topic) {
    return admin.describeTopic(DescribeTopicRequest.newBuilder().setName(topic).build()).getPartitions(0);
  }
}
