package dev.runnel.node;

import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.HeartbeatCommand;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the controller every {@code node.heartbeat.interval.ms} that this node is alive, by
 * committing a heartbeat command (so every replica of the metadata, and every node reading it,
 * sees the same last heartbeat). At most one heartbeat is in flight: while the controller has no
 * quorum, ticks are skipped instead of piling up.
 */
final class Heartbeater implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeater.class);
  private final NodeContext context;
  private final LongSupplier clockMs;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  /** Whether the last heartbeat failed: a failure is logged once, not at every tick. */
  private volatile boolean failing;

  Heartbeater(NodeContext context, LongSupplier clockMs) {
    this.context = context;
    this.clockMs = clockMs;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "runnel-heartbeat-" + context.nodeId());
              t.setDaemon(true);
              return t;
            });
  }

  void start(long intervalMs) {
    timer.scheduleAtFixedRate(this::beat, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    ControllerCommand command =
        ControllerCommand.newBuilder()
            .setHeartbeat(HeartbeatCommand.newBuilder().setNodeId(context.nodeId()).setSentMs(clockMs.getAsLong()))
            .build();
    try {
      context
          .submitController(command)
          .whenComplete(
              (ok, error) -> {
                inFlight.set(false);
                if (error != null && !failing) {
                  failing = true;
                  LOG.warn("heartbeat to the controller failed (will keep trying): {}", error.toString());
                } else if (error == null && failing) {
                  failing = false;
                  LOG.info("heartbeats reach the controller again");
                }
              });
    } catch (RuntimeException e) {
      inFlight.set(false);
      LOG.warn("heartbeat not sent: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
