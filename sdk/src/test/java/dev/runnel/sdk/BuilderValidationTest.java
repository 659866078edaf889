package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.Codec;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {
  @Test
  void producerDefaultsAreValid() {
    Producer.ProducerSettings s = Producer.builder().settings();
    assertEquals("127.0.0.1:9400", s.connection().bootstrap());
    assertEquals(5, s.lingerMs());
    assertEquals(256 * 1024, s.batchSizeBytes());
    assertEquals(32L * 1024 * 1024, s.bufferMemoryBytes());
    assertEquals(20, s.connection().retries());
    assertEquals(Codec.CODEC_NONE, s.compression());
  }

  @Test
  void producerBoundsAreCheckedWithTheSettingName() {
    assertMessage("lingerMs", () -> Producer.builder().lingerMs(-1).settings());
    assertMessage("batchSizeBytes", () -> Producer.builder().batchSizeBytes(0).settings());
    assertMessage("bufferMemoryBytes", () -> Producer.builder().bufferMemoryBytes(1024).settings());
    assertMessage("retries", () -> Producer.builder().retries(-1).settings());
    assertMessage("requestTimeoutMs", () -> Producer.builder().requestTimeoutMs(0).settings());
    assertMessage("bootstrap", () -> Producer.builder().bootstrap("nohostport").settings());
    assertMessage("compression", () -> Producer.builder().compression(Codec.UNRECOGNIZED).settings());
    assertMessage("compression", () -> Producer.builder().compression(null).settings());
  }

  @Test
  void consumerAndAdminBoundsAreChecked() {
    assertMessage("maxPollRecords", () -> Consumer.builder().maxPollRecords(0).build());
    assertMessage("fetchMaxWaitMs", () -> Consumer.builder().fetchMaxWaitMs(-5).build());
    assertMessage("groupId", () -> Consumer.builder().groupId(" ").build());
    assertMessage("requestTimeoutMs", () -> Admin.builder().requestTimeoutMs(0).build());
  }

  private static void assertMessage(String name, Runnable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().startsWith(name), e.getMessage());
  }
}
