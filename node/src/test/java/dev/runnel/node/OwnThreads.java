package dev.runnel.node;

import java.util.concurrent.Executor;

/**
 * Runs each task on a new daemon thread, for test tasks that must run at the same time (nodes that
 * wait for each other's quorum, producers that must overlap). CompletableFuture's default async
 * pool does not promise that: on two cores JDK 17 starts a thread per task, but JDK 25 runs them on
 * the common ForkJoinPool, whose single worker then runs them one after another.
 */
final class OwnThreads {
  static final Executor EACH = task -> {
    Thread thread = new Thread(task, "test-task");
    thread.setDaemon(true);
    thread.start();
  };

  private OwnThreads() {}
}
