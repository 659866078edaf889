package dev.runnel.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogConcurrencyTest {
  private static final int READERS = 4;
  private static final int BATCHES = 600;

  @TempDir Path dir;

  @Test
  void readersSeeConsistentBatchesWhileTheWriterAppendsAndTheMapGrows() throws Exception {
    long seed = System.nanoTime();
    System.out.println("PartitionLogConcurrencyTest seed " + seed);
    ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
    AtomicBoolean writerDone = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicLong notifiedNextOffset = new AtomicLong();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    try (PartitionLog log = PartitionLog.open(dir, new LogConfig(1 << 20, 256L << 20, 1))) {
      log.setAppendListener(notifiedNextOffset::set);
      long initialMapBytes = log.mapSizeBytes();
      for (int r = 0; r < READERS; r++) {
        Random random = new Random(seed + r);
        pool.submit(() -> {
          try {
            while (!writerDone.get()) {
              readAndCheck(log, random);
              reads.incrementAndGet();
            }
          } catch (Throwable t) {
            failures.add(t);
          }
        });
      }
      Random writerRandom = new Random(seed);
      Future<?> writer = pool.submit(() -> {
        try {
          for (int i = 0; i < BATCHES; i++) {
            TestBatches.append(log, i, 1 + writerRandom.nextInt(10), writerRandom.nextInt(40_000), i);
          }
        } finally {
          writerDone.set(true);
        }
        return null;
      });
      await().atMost(Duration.ofSeconds(120)).until(writer::isDone);
      writer.get();
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
      assertTrue(failures.isEmpty(), () -> "reader failed (seed " + seed + "): " + failures.peek());
      assertTrue(log.mapSizeBytes() > initialMapBytes, "the map grew while readers were active");
      assertTrue(reads.get() > 0);
      assertEquals(log.nextOffset(), notifiedNextOffset.get());
      assertEquals(BATCHES, log.read(0, Integer.MAX_VALUE).size());
    } finally {
      pool.shutdownNow();
    }
  }

  /** A read from a random offset must return intact, dense batches starting with the one holding that offset. */
  private static void readAndCheck(PartitionLog log, Random random) {
    long nextOffset = log.nextOffset();
    if (nextOffset == 0) {
      return;
    }
    long offset = (long) (random.nextDouble() * nextOffset);
    List<StoredBatch> batches = log.read(offset, 1 + random.nextInt(200_000));
    assertTrue(!batches.isEmpty(), "offset " + offset + " < nextOffset " + nextOffset);
    BatchHeader first = batches.get(0).header();
    assertTrue(first.baseOffset() <= offset && offset <= first.lastOffset(), "batch " + first + " holds " + offset);
    long expectedBase = first.baseOffset();
    for (StoredBatch batch : batches) {
      assertEquals(expectedBase, batch.header().baseOffset());
      TestBatches.assertIntact(batch);
      expectedBase = batch.header().lastOffset() + 1;
    }
  }
}
