package dev.runnel.sdk;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.runnel.proto.v1.ErrorReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The asynchronous commit window: order, callbacks on the caller's thread, the bound, errors. */
class AsyncCommitsTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  @Test
  void commitsGoOutInOrderAndCallbacksRunInOrderOnTheCallingThread() {
    List<Long> sent = new CopyOnWriteArrayList<>();
    List<Long> committed = new ArrayList<>();
    List<String> callbacks = new ArrayList<>();
    try (AsyncCommits commits = new AsyncCommits(8, "g", (offsets, error) -> committed.add(offsets.get(TP)))) {
      for (long offset = 1; offset <= 50; offset++) {
        commits.submit(Map.of(TP, offset), (offsets, error) -> {
          assertNull(error);
          callbacks.add(Thread.currentThread().getName() + ":" + offsets.get(TP));
        }, offsets -> sent.add(offsets.get(TP)));
      }
      commits.awaitAll(30_000);
      assertEquals(0, commits.inFlight());
    }
    List<Long> expected = new ArrayList<>();
    List<String> expectedCallbacks = new ArrayList<>();
    for (long offset = 1; offset <= 50; offset++) {
      expected.add(offset);
      expectedCallbacks.add(Thread.currentThread().getName() + ":" + offset);
    }
    assertEquals(expected, sent);
    assertEquals(expected, committed);
    assertEquals(expectedCallbacks, callbacks);
  }

  @Test
  void aFullWindowMakesTheNextCommitWaitForTheOldest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Long> done = new CopyOnWriteArrayList<>();
    AsyncCommits commits = new AsyncCommits(2, "g", (offsets, error) -> done.add(offsets.get(TP)));
    AsyncCommits.CommitCall blocking = offsets -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    Thread caller = new Thread(() -> {
      for (long offset = 1; offset <= 3; offset++) {
        commits.submit(Map.of(TP, offset), null, blocking);
      }
      commits.awaitAll(30_000);
    });
    caller.start();
    // Two in flight, the third waits inside submit for the first to be answered.
    await().atMost(Duration.ofSeconds(30)).until(() -> caller.getState() == Thread.State.WAITING);
    assertEquals(List.of(), done);
    release.countDown();
    caller.join(30_000);
    assertEquals(List.of(1L, 2L, 3L), done);
    commits.close();
  }

  @Test
  void aRefusedCommitReachesItsCallbackAndIsNotCountedAsCommitted() {
    RunnelException fenced = RunnelException.local(
        ErrorReason.FENCED_MEMBER, io.grpc.Status.Code.FAILED_PRECONDITION, "FENCED_MEMBER: moved");
    List<RunnelException> errors = new ArrayList<>();
    List<Map<TopicPartition, Long>> committed = new ArrayList<>();
    try (AsyncCommits commits = new AsyncCommits(4, "g", (offsets, error) -> {
      if (error == null) {
        committed.add(offsets);
      }
    })) {
      commits.submit(Map.of(TP, 5L), (offsets, error) -> errors.add(error), offsets -> {
        throw fenced;
      });
      commits.awaitAll(30_000);
    }
    assertEquals(1, errors.size());
    assertSame(fenced, errors.get(0));
    assertEquals(List.of(), committed);
  }
}
