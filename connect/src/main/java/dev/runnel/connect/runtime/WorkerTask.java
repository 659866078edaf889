package dev.runnel.connect.runtime;

import dev.runnel.connect.plugins.Plugins;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What source and sink tasks share: one thread per task running {@link #execute}, the task's
 * status, and the control the herder uses (pause, resume, stop). The task thread is the single
 * writer of the task's own state; the herder only sets the target and waits.
 */
public abstract class WorkerTask implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerTask.class);

  protected final TaskId id;
  protected final StatusTracker status;
  protected final ClassLoader loader;
  private final Object lock = new Object();
  private TargetState target;
  private boolean stopping;
  private Thread thread;
  private volatile boolean finished;

  protected WorkerTask(TaskId id, StatusTracker status, ClassLoader loader, TargetState initial) {
    this.id = id;
    this.status = status;
    this.loader = loader;
    this.target = initial;
  }

  public TaskId id() {
    return id;
  }

  public StatusTracker status() {
    return status;
  }

  public void start() {
    thread = new Thread(this, "connect-task-" + id);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public final void run() {
    Thread.currentThread().setContextClassLoader(loader);
    try {
      execute();
    } catch (Throwable t) {
      if (!isStopping()) {
        status.state(State.FAILED, "task failed: " + t.getMessage(), t);
      } else {
        LOG.warn("task {} failed while stopping: {}", id, t.toString());
      }
    } finally {
      try {
        close();
      } catch (RuntimeException e) {
        LOG.warn("task {}: error while closing: {}", id, e.toString());
      }
      if (status.current() != State.FAILED) {
        status.state(State.UNASSIGNED, "task stopped");
      }
      finished = true;
    }
  }

  /** The task's work, until {@link #isStopping}; throwing fails the task. */
  protected abstract void execute() throws Exception;

  /** Releases what the task holds; runs on the task thread after {@link #execute}. */
  protected abstract void close();

  /** Asks the task to stop: wakes it up; called from the herder's thread. */
  protected void onStopRequested() {}

  public void transitionTo(TargetState next) {
    synchronized (lock) {
      target = next;
      lock.notifyAll();
    }
  }

  public void stop() {
    synchronized (lock) {
      if (stopping) {
        return;
      }
      stopping = true;
      lock.notifyAll();
    }
    onStopRequested();
  }

  /** Waits up to {@code timeoutMs} for the thread to end; false if it is still running. */
  public boolean awaitStop(long timeoutMs) {
    if (thread == null) {
      return true;
    }
    try {
      thread.join(timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("task {} did not stop within {} ms; abandoning its thread", id, timeoutMs);
      thread.interrupt();
      return false;
    }
    return true;
  }

  public boolean isFinished() {
    return finished;
  }

  protected boolean isStopping() {
    synchronized (lock) {
      return stopping;
    }
  }

  protected boolean isPaused() {
    synchronized (lock) {
      return target == TargetState.PAUSED && !stopping;
    }
  }

  /** Waits until resumed or stopped; true when the task should go on. */
  protected boolean awaitUnpaused() {
    synchronized (lock) {
      while (target == TargetState.PAUSED && !stopping) {
        try {
          lock.wait(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !stopping;
    }
  }

  /** Waits up to {@code ms} unless stopped first (for retry backoffs); true when stopped. */
  protected boolean awaitStopFor(long ms) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    synchronized (lock) {
      while (!stopping) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMs <= 0) {
          return false;
        }
        try {
          lock.wait(leftMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return true;
        }
      }
      return true;
    }
  }

  protected static <T> T withLoader(ClassLoader loader, java.util.function.Supplier<T> work) {
    return Plugins.withLoader(loader, work);
  }
}
