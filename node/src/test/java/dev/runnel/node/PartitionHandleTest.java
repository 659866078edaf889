package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.storage.BatchHeader;
import dev.runnel.storage.Crc32c;
import dev.runnel.storage.LogConfig;
import dev.runnel.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroupId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The long-poll waits of a partition, on a real LMDB log. */
class PartitionHandleTest {
  @TempDir Path dir;

  @Test
  void aTimedOutWaitDoesNotWakeTheNextOneAndAppendsWakeWaiters() throws Exception {
    try (PartitionLog log = PartitionLog.open(dir, LogConfig.defaults())) {
      PartitionHandle handle = new PartitionHandle("t", 0, RaftGroupId.randomId(), log, null, e -> {});

      CompletableFuture<Void> first = handle.nextAppendWithin(TimeUnit.MILLISECONDS.toNanos(50));
      first.get(5, TimeUnit.SECONDS); // times out: nothing was appended
      // The idle-partition spin this guards against: a timed-out wait completing later waits at once.
      CompletableFuture<Void> second = handle.nextAppendWithin(TimeUnit.SECONDS.toNanos(30));
      Thread.sleep(100);
      assertFalse(second.isDone(), "a new wait on an idle partition waits");
      assertEquals(1, handle.timedWaits(), "the timed-out wait is forgotten");

      ByteBuffer payload = ByteBuffer.wrap(new byte[] {1, 2, 3});
      log.append(new BatchHeader(-1, 1, 1, 1, 7, (short) 0, 0, (byte) 0, 1_700_000_000_000L, Crc32c.of(payload)), payload, 1, 1);
      second.get(5, TimeUnit.SECONDS);
      assertEquals(0, handle.timedWaits(), "a woken wait is forgotten");

      handle.close();
      assertTrue(handle.nextAppendWithin(TimeUnit.SECONDS.toNanos(30)).isDone(), "a closed partition does not make fetches wait");
    }
  }
}
