package dev.runnel.node;

import static dev.runnel.node.BadInputTest.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordHeader;
import dev.runnel.sdk.RecordMetadata;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Batch compression end to end: SDK producer → one real node → storage → SDK consumer. */
class CompressionTest {
  private static final int RECORDS = 600;
  /** Small enough for a zip-bomb test to be quick, large enough for the normal tests. */
  private static final int DECOMPRESSED_BYTES_MAX = 4 << 20;

  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static String bootstrap;
  private static ManagedChannel channel;
  private static BrokerGrpc.BrokerBlockingStub broker;
  private static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("batch.decompressed.bytes.max", Integer.toString(DECOMPRESSED_BYTES_MAX));
    node = TestNodes.start(config);
    bootstrap = "127.0.0.1:" + node.grpcPort();
    channel = TestNodes.channel(node);
    broker = BrokerGrpc.newBlockingStub(channel);
    admin = Admin.create(bootstrap);
  }

  @AfterAll
  static void stop() {
    admin.close();
    channel.shutdownNow();
    node.close();
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_NONE", "CODEC_LZ4", "CODEC_ZSTD"})
  void everyCodecRoundTripsByteForByte(Codec codec) {
    String topic = "round-trip-" + codec.name().toLowerCase();
    admin.createTopic(topic, 1, 1, Map.of());
    List<ProducerRecord> sent = records(topic, RECORDS, new SplittableRandom(codec.getNumber()));
    produce(codec, sent);

    assertStoredCodec(topic, codec);
    assertSameRecords(sent, consumeAll(topic, sent.size()));
  }

  @Test
  void compressedStorageIsSmallerForCompressibleData() {
    Map<Codec, Long> sizeBytes = new EnumMap<>(Codec.class);
    for (Codec codec : List.of(Codec.CODEC_NONE, Codec.CODEC_LZ4, Codec.CODEC_ZSTD)) {
      String topic = "size-" + codec.name().toLowerCase();
      admin.createTopic(topic, 1, 1, Map.of());
      produce(codec, records(topic, 2_000, new SplittableRandom(99)));
      sizeBytes.put(codec, admin.describeTopic(topic).getPartitions(0).getSizeBytes());
    }
    long none = sizeBytes.get(Codec.CODEC_NONE);
    assertTrue(none > 200_000, "2,000 JSON-like records: " + sizeBytes);
    assertTrue(sizeBytes.get(Codec.CODEC_LZ4) < none / 2, "lz4 at least halves it: " + sizeBytes);
    assertTrue(sizeBytes.get(Codec.CODEC_ZSTD) < none / 3, "zstd at least thirds it: " + sizeBytes);
  }

  @Test
  void topicCompressionTypeReencodesWhatTheProducerSent() {
    admin.createTopic("stored-zstd", 1, 1, Map.of("compression.type", "zstd"));
    List<ProducerRecord> plain = records("stored-zstd", 300, new SplittableRandom(5));
    produce(Codec.CODEC_NONE, plain);
    assertStoredCodec("stored-zstd", Codec.CODEC_ZSTD);
    assertSameRecords(plain, consumeAll("stored-zstd", plain.size()));

    // Altered at run time: later batches are stored in the new codec, earlier ones stay readable.
    admin.alterTopicConfigs("stored-zstd", Map.of("compression.type", "none"), List.of());
    List<ProducerRecord> lz4 = records("stored-zstd", 300, new SplittableRandom(6));
    produce(Codec.CODEC_LZ4, lz4);
    List<Codec> codecs = storedCodecs("stored-zstd");
    assertEquals(Codec.CODEC_ZSTD, codecs.get(0));
    assertEquals(Codec.CODEC_NONE, codecs.get(codecs.size() - 1));
    List<ProducerRecord> all = new ArrayList<>(plain);
    all.addAll(lz4);
    assertSameRecords(all, consumeAll("stored-zstd", all.size()));

    // "producer" (the default) keeps whatever each batch came in.
    admin.alterTopicConfigs("stored-zstd", Map.of(), List.of("compression.type"));
    produce(Codec.CODEC_LZ4, records("stored-zstd", 10, new SplittableRandom(7)));
    codecs = storedCodecs("stored-zstd");
    assertEquals(Codec.CODEC_LZ4, codecs.get(codecs.size() - 1));
  }

  @Test
  void compressionTypeIsValidatedAtCreateAndAlter() {
    RunnelException create =
        assertThrows(
            RunnelException.class, () -> admin.createTopic("bad-codec", 1, 1, Map.of("compression.type", "gzip")));
    assertEquals("INVALID_CONFIG", create.reason().name());
    assertTrue(
        create.getMessage().contains("compression.type must be one of producer, none, lz4, zstd; got 'gzip'"),
        create.getMessage());

    admin.createTopic("codec-alter", 1, 1, Map.of("compression.type", " ZSTD "));
    assertEquals("zstd", admin.describeTopic("codec-alter").getConfigsMap().get("compression.type"));
    RunnelException alter =
        assertThrows(
            RunnelException.class,
            () -> admin.alterTopicConfigs("codec-alter", Map.of("compression.type", "snappy"), List.of()));
    assertEquals("INVALID_CONFIG", alter.reason().name());
    assertTrue(alter.getMessage().contains("got 'snappy'"), alter.getMessage());
    assertEquals("zstd", admin.describeTopic("codec-alter").getConfigsMap().get("compression.type"));
    admin.createTopic("codec-default", 1, 1, Map.of());
    assertEquals("producer", admin.describeTopic("codec-default").getConfigsMap().get("compression.type"));
  }

  @Test
  void badCompressedBatchesGetClearErrorsAndLeaveTheLogAlone() {
    admin.createTopic("bad-input", 1, 1, Map.of("max.message.bytes", "65536"));
    RecordSet two = RecordSet.newBuilder().addRecords(value("a")).addRecords(value("b")).build();

    StatusRuntimeException unknown =
        produceFails(compressed(Codec.CODEC_LZ4, two).toBuilder().setCodecValue(7).build(), "INVALID_REQUEST");
    assertTrue(unknown.getStatus().getDescription().contains("unknown codec 7"), unknown.getStatus().getDescription());

    for (Codec codec : List.of(Codec.CODEC_LZ4, Codec.CODEC_ZSTD)) {
      // A CRC that matches the garbage: the bytes arrived as sent, they are just not a frame.
      ByteString garbage = ByteString.copyFromUtf8("this is not a compressed record set at all");
      StatusRuntimeException e =
          produceFails(
              RecordBatch.newBuilder()
                  .setRecordCount(1)
                  .setCodec(codec)
                  .setCompressedRecords(garbage)
                  .setCrc32C(crc32c(garbage))
                  .build(),
              "INVALID_REQUEST");
      String format = codec == Codec.CODEC_LZ4 ? "LZ4 frame" : "zstd frame";
      assertTrue(
          e.getStatus().getDescription().startsWith("INVALID_REQUEST: compressed_records is not valid " + format),
          e.getStatus().getDescription());

      ByteString notARecordSet = Codecs.compress(codec, ByteString.copyFromUtf8("\u00ff\u00ff\u00ff plain text"));
      StatusRuntimeException notRecords =
          produceFails(
              RecordBatch.newBuilder().setRecordCount(1).setCodec(codec).setCompressedRecords(notARecordSet).build(),
              "INVALID_REQUEST");
      assertTrue(
          notRecords.getStatus().getDescription().contains("once decompressed, are not a valid RecordSet"),
          notRecords.getStatus().getDescription());

      RecordBatch lying = compressed(codec, two).toBuilder().setRecordCount(3).build();
      StatusRuntimeException count = produceFails(lying, "INVALID_REQUEST");
      assertTrue(
          count.getStatus().getDescription().contains("record_count is 3 but the batch holds 2 records"),
          count.getStatus().getDescription());

      RecordBatch wrongField =
          RecordBatch.newBuilder().setRecordCount(2).setCodec(codec).setRecords(two).build();
      produceFails(wrongField, "INVALID_REQUEST");

      // A few KiB that decompress past batch.decompressed.bytes.max: refused, not buffered.
      RecordSet huge =
          RecordSet.newBuilder()
              .addRecords(Record.newBuilder().setValue(ByteString.copyFrom(new byte[DECOMPRESSED_BYTES_MAX + 1])))
              .build();
      RecordBatch bomb = compressed(codec, huge);
      assertTrue(bomb.getCompressedRecords().size() < 65536, "the bomb fits max.message.bytes");
      StatusRuntimeException tooLarge = produceFails(bomb, "RECORD_TOO_LARGE");
      assertTrue(
          tooLarge.getStatus().getDescription().contains("batch.decompressed.bytes.max"),
          tooLarge.getStatus().getDescription());
    }
    assertEquals(0, admin.describeTopic("bad-input").getPartitions(0).getHighWatermark());
  }

  @Test
  void reencodingPastMaxMessageBytesIsRecordTooLarge() {
    admin.createTopic(
        "stored-plain", 1, 1, Map.of("compression.type", "none", "max.message.bytes", "1024"));
    RecordSet big =
        RecordSet.newBuilder()
            .addRecords(Record.newBuilder().setValue(ByteString.copyFrom(new byte[10_000])))
            .build();
    RecordBatch small = compressed(Codec.CODEC_ZSTD, big);
    assertTrue(small.getCompressedRecords().size() < 1024);
    StatusRuntimeException e =
        fails(
            () -> broker.produce(ProduceRequest.newBuilder().setTopic("stored-plain").setPartition(0).setBatch(small).build()),
            Status.Code.INVALID_ARGUMENT,
            "RECORD_TOO_LARGE");
    assertTrue(
        e.getStatus().getDescription().contains("once re-encoded to the topic's compression.type"),
        e.getStatus().getDescription());
    assertEquals(0, admin.describeTopic("stored-plain").getPartitions(0).getHighWatermark());
  }

  /** Keys (some null), values (some null, some binary, mostly JSON-like text) and headers. */
  static List<ProducerRecord> records(String topic, int count, SplittableRandom random) {
    List<ProducerRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] key = i % 7 == 0 ? null : ("customer-" + random.nextInt(40)).getBytes(StandardCharsets.UTF_8);
      byte[] value;
      if (i % 11 == 0) {
        value = null;
      } else if (i % 13 == 0) {
        value = new byte[random.nextInt(1, 64)];
        random.nextBytes(value);
      } else {
        value =
            ("{\"order\":" + i + ",\"customer\":\"customer-" + random.nextInt(40)
                    + "\",\"status\":\"" + (random.nextBoolean() ? "PAID" : "PENDING")
                    + "\",\"amount\":" + random.nextInt(100_000) + ",\"currency\":\"EUR\","
                    + "\"items\":[{\"sku\":\"SKU-" + random.nextInt(500) + "\",\"qty\":" + random.nextInt(1, 5)
                    + "}],\"note\":\"delivered to the front desk between nine and five\"}")
                .getBytes(StandardCharsets.UTF_8);
      }
      List<RecordHeader> headers =
          i % 3 == 0
              ? List.of(
                  new RecordHeader("trace-id", ("t" + i).getBytes(StandardCharsets.UTF_8)),
                  new RecordHeader("empty", new byte[0]))
              : List.of();
      out.add(new ProducerRecord(topic, 0, key, value, headers, 1_700_000_000_000L + i));
    }
    return out;
  }

  private static void produce(Codec codec, List<ProducerRecord> records) {
    try (Producer producer =
        Producer.builder().bootstrap(bootstrap).compression(codec).batchSizeBytes(32 << 10).build()) {
      List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
      records.forEach(r -> acks.add(producer.send(r)));
      producer.flush();
      acks.forEach(CompletableFuture::join); // a failed send throws here
    }
  }

  private static List<ConsumerRecord> consumeAll(String topic, int expected) {
    List<ConsumerRecord> out = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Consumer consumer = Consumer.builder().bootstrap(bootstrap).build()) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < expected && System.nanoTime() < deadlineNs) {
        out.addAll(consumer.poll(Duration.ofMillis(200)));
      }
    }
    return out;
  }

  private static void assertSameRecords(List<ProducerRecord> sent, List<ConsumerRecord> read) {
    assertEquals(sent.size(), read.size());
    for (int i = 0; i < sent.size(); i++) {
      ProducerRecord s = sent.get(i);
      ConsumerRecord r = read.get(i);
      assertEquals(i, r.offset());
      assertArrayEquals(s.key(), r.key(), "key of " + i);
      assertArrayEquals(s.value(), r.value(), "value of " + i);
      assertEquals(s.timestampMs(), r.timestampMs());
      assertEquals(s.headers().size(), r.headers().size());
      for (int h = 0; h < s.headers().size(); h++) {
        assertEquals(s.headers().get(h).key(), r.headers().get(h).key());
        assertArrayEquals(s.headers().get(h).value(), r.headers().get(h).value());
      }
    }
  }

  private static void assertStoredCodec(String topic, Codec codec) {
    List<Codec> codecs = storedCodecs(topic);
    assertTrue(!codecs.isEmpty());
    assertTrue(codecs.stream().allMatch(c -> c == codec), topic + " stored as " + codecs);
  }

  /** The codec of each stored batch, as a plain gRPC client sees them. */
  private static List<Codec> storedCodecs(String topic) {
    List<Codec> codecs = new ArrayList<>();
    long offset = 0;
    while (true) {
      var response =
          broker.fetch(FetchRequest.newBuilder().setTopic(topic).setPartition(0).setOffset(offset).build());
      if (response.getBatchesCount() == 0) {
        return codecs;
      }
      for (RecordBatch batch : response.getBatchesList()) {
        codecs.add(batch.getCodec());
        offset = batch.getBaseOffset() + batch.getRecordCount();
      }
    }
  }

  private static StatusRuntimeException produceFails(RecordBatch batch, String reason) {
    return fails(
        () -> broker.produce(ProduceRequest.newBuilder().setTopic("bad-input").setPartition(0).setBatch(batch).build()),
        Status.Code.INVALID_ARGUMENT,
        reason);
  }

  private static RecordBatch compressed(Codec codec, RecordSet records) {
    return RecordBatch.newBuilder()
        .setRecordCount(records.getRecordsCount())
        .setCodec(codec)
        .setCompressedRecords(Codecs.compress(codec, records.toByteString()))
        .build();
  }

  private static Record value(String v) {
    return Record.newBuilder().setValue(ByteString.copyFromUtf8(v)).build();
  }

  private static int crc32c(ByteString bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.asReadOnlyByteBuffer());
    return (int) crc.getValue();
  }
}
