package dev.runnel.node.grpc;

import dev.runnel.node.PartitionHandle;
import dev.runnel.node.RunnelError;
import dev.runnel.node.metrics.NodeMetrics;
import dev.runnel.proto.internal.OpaqueSubscribeResponse;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.storage.StoredBatch;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Server-streaming subscriptions. Each stream sends what is stored from its position while the
 * transport is ready (gRPC flow control: {@code isReady}/{@code onReady}), then waits for the
 * partition's next append. A slow reader therefore holds at most one message in the node's
 * buffers, and the number of streams is bounded.
 */
public final class Subscriptions {
  private final int streamsMax;
  private final Executor executor;
  private final NodeMetrics metrics;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  public Subscriptions(int streamsMax, Executor executor, NodeMetrics metrics) {
    this.streamsMax = streamsMax;
    this.executor = executor;
    this.metrics = metrics;
  }

  void open(
      PartitionHandle partition,
      long startOffset,
      int maxBytes,
      StreamObserver<OpaqueSubscribeResponse> observer) {
    if (closing) {
      throw RunnelError.unavailable("the node is shutting down");
    }
    if (open.size() >= streamsMax) {
      throw new RunnelError(
          ErrorReason.NODE_UNAVAILABLE,
          Status.Code.RESOURCE_EXHAUSTED,
          "this node already serves subscribe.streams.max=" + streamsMax + " streams");
    }
    var call = (ServerCallStreamObserver<OpaqueSubscribeResponse>) observer;
    Stream stream = new Stream(partition, startOffset, maxBytes, call);
    open.add(stream);
    metrics.subscribeStreams.inc();
    call.setOnCancelHandler(stream::finish);
    call.setOnReadyHandler(stream::schedule);
    stream.schedule();
  }

  /** Ends every stream with UNAVAILABLE so clients reconnect elsewhere (graceful shutdown). */
  public void closeAll() {
    closing = true;
    for (Stream stream : open) {
      stream.fail(RunnelError.unavailable("the node is shutting down"));
    }
  }

  public int openCount() {
    return open.size();
  }

  private final class Stream {
    private final PartitionHandle partition;
    private final int maxBytes;
    private final ServerCallStreamObserver<OpaqueSubscribeResponse> call;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Guards against two drains at once; a wake-up during a drain makes it loop once more. */
    private final AtomicInteger pendingDrains = new AtomicInteger();
    private long position;

    Stream(
        PartitionHandle partition,
        long position,
        int maxBytes,
        ServerCallStreamObserver<OpaqueSubscribeResponse> call) {
      this.partition = partition;
      this.position = position;
      this.maxBytes = maxBytes;
      this.call = call;
    }

    void schedule() {
      if (pendingDrains.getAndIncrement() == 0) {
        executor.execute(this::drainLoop);
      }
    }

    private void drainLoop() {
      do {
        try {
          drain();
        } catch (RuntimeException e) {
          fail(e);
        }
      } while (pendingDrains.decrementAndGet() > 0);
    }

    private void drain() {
      while (!finished.get() && call.isReady()) {
        var appended = partition.nextAppend();
        List<StoredBatch> batches = partition.read(position, maxBytes);
        if (batches.isEmpty()) {
          appended.thenRunAsync(this::schedule, executor);
          return;
        }
        OpaqueSubscribeResponse.Builder out = OpaqueSubscribeResponse.newBuilder();
        long bytes = 0;
        for (StoredBatch batch : batches) {
          out.addBatches(Batches.toWire(batch));
          bytes += batch.sizeBytes();
          position = batch.header().lastOffset() + 1;
        }
        out.setHighWatermark(partition.log().nextOffset());
        metrics.bytesOut.mark(bytes);
        metrics.topicBytesOut(partition.topic()).inc(bytes);
        synchronized (this) {
          if (!finished.get()) {
            call.onNext(out.build());
          }
        }
      }
      // Not ready: the transport's onReady handler schedules the next drain.
    }

    synchronized void fail(Throwable failure) {
      if (finish()) {
        try {
          call.onError(GrpcErrors.toStatus(failure));
        } catch (IllegalStateException alreadyClosed) {
          // The client went away at the same moment; nothing left to tell it.
        }
      }
    }

    boolean finish() {
      if (finished.compareAndSet(false, true)) {
        open.remove(this);
        metrics.subscribeStreams.dec();
        return true;
      }
      return false;
    }
  }
}
