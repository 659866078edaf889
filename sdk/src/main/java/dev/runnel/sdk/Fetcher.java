package dev.runnel.sdk;

import dev.runnel.proto.AliasingMarshaller;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.proto.v1.RecordBatch;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Issues Fetch calls for the assigned partitions, in parallel, and turns their answers into
 * records in offset order. Memory stays bounded: a partition is fetched again only when nothing
 * is in flight for it and its previous answer has been handed out. gRPC threads only enqueue
 * answers; everything else runs on the consumer's thread.
 */
final class Fetcher {
  /**
   * Fetch, with answers parsed by aliasing: each record's key and value are views of the one array
   * the answer was read into, and are copied once, into the record handed out, instead of twice.
   */
  static final MethodDescriptor<FetchRequest, FetchResponse> FETCH =
      BrokerGrpc.getFetchMethod()
          .toBuilder(
              ProtoUtils.marshaller(FetchRequest.getDefaultInstance()),
              AliasingMarshaller.of(FetchResponse.getDefaultInstance()))
          .build();

  /** An answer (or failure) of one Fetch, for the offset it asked for. */
  record Answer(TopicPartition tp, long fetchOffset, FetchResponse response, Throwable error) {}

  private final SubscriptionState subscriptions;
  private final ClusterMetadata metadata;
  private final ChannelPool channels;
  private final RetryBackoff backoff;
  private final int fetchMaxBytes;
  private final long requestTimeoutMs;
  private final Set<TopicPartition> inFlight = new HashSet<>();
  private final LinkedBlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final Map<TopicPartition, ArrayDeque<ConsumerRecord>> buffered = new HashMap<>();
  /** Per partition: the offset after the last batch whose records are buffered. */
  private final Map<TopicPartition, Long> bufferedEndOffsets = new HashMap<>();
  private final Map<TopicPartition, Integer> failuresInARow = new HashMap<>();
  private final Map<TopicPartition, Long> retryAtMs = new HashMap<>();

  Fetcher(
      SubscriptionState subscriptions,
      ClusterMetadata metadata,
      ChannelPool channels,
      RetryBackoff backoff,
      int fetchMaxBytes,
      long requestTimeoutMs) {
    this.subscriptions = subscriptions;
    this.metadata = metadata;
    this.channels = channels;
    this.backoff = backoff;
    this.fetchMaxBytes = fetchMaxBytes;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  /** Starts a Fetch for every assigned partition that has a position and nothing pending. */
  void sendFetches(int maxWaitMs, long nowMs) {
    for (TopicPartition tp : subscriptions.assignedInOrder()) {
      Long position = subscriptions.position(tp);
      if (position == null
          || inFlight.contains(tp)
          || hasBuffered(tp)
          || retryAtMs.getOrDefault(tp, Long.MIN_VALUE) > nowMs) {
        continue;
      }
      inFlight.add(tp);
      FetchRequest request =
          FetchRequest.newBuilder()
              .setTopic(tp.topic())
              .setPartition(tp.partition())
              .setOffset(position)
              .setMaxBytes(fetchMaxBytes)
              .setMaxWaitMs(maxWaitMs)
              .build();
      try {
        // The node may hold the call for maxWaitMs before answering; the deadline allows for it.
        CallOptions options =
            CallOptions.DEFAULT.withDeadlineAfter(maxWaitMs + requestTimeoutMs, TimeUnit.MILLISECONDS);
        ClientCalls.asyncUnaryCall(
            channels.channel(metadata.leaderAddress(tp)).newCall(FETCH, options),
            request,
            new FetchObserver(tp, position));
      } catch (RuntimeException e) {
        answers.add(new Answer(tp, position, null, e));
      }
    }
  }

  /**
   * Waits up to {@code timeoutMs} for an answer; with nothing in flight (every partition backing
   * off), only until the first backoff ends.
   */
  void awaitAnswer(long timeoutMs, long nowMs) {
    if (!answers.isEmpty()) {
      return;
    }
    long waitMs = timeoutMs;
    if (inFlight.isEmpty()) {
      long firstRetryAtMs = retryAtMs.values().stream().min(Long::compare).orElse(nowMs + timeoutMs);
      waitMs = Math.min(timeoutMs, Math.max(1, firstRetryAtMs - nowMs));
    }
    try {
      Answer answer = answers.poll(waitMs, TimeUnit.MILLISECONDS);
      if (answer != null) {
        answers.add(answer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Applies the answers that arrived. Returns the partitions whose offset was out of range (their
   * position must be reset); throws RunnelException for a failure that is not retriable or that
   * ran out of retries.
   */
  List<TopicPartition> processAnswers(long nowMs) {
    List<TopicPartition> outOfRange = new ArrayList<>();
    Answer answer;
    while ((answer = answers.poll()) != null) {
      inFlight.remove(answer.tp());
      Long position = subscriptions.position(answer.tp());
      if (position == null || position != answer.fetchOffset()) {
        // Seeked or unassigned while the call was in flight: the answer is for an old position.
        continue;
      }
      if (answer.error() == null) {
        failuresInARow.remove(answer.tp());
        retryAtMs.remove(answer.tp());
        buffer(answer.tp(), answer.response(), position);
      } else if (isOutOfRange(answer, nowMs)) {
        outOfRange.add(answer.tp());
      }
    }
    return outOfRange;
  }

  private void buffer(TopicPartition tp, FetchResponse response, long position) {
    List<ConsumerRecord> records = new ArrayList<>();
    long endOffset = position;
    for (RecordBatch batch : response.getBatchesList()) {
      BatchDecoder.decode(tp, batch, position, records);
      endOffset = Math.max(endOffset, BatchDecoder.endOffset(batch));
    }
    // A compacted batch may end with offsets whose records were removed: once its records are
    // handed out, the position moves past the whole batch, or the next fetch would return it again.
    if (records.isEmpty()) {
      if (endOffset > position) {
        subscriptions.seek(tp, endOffset);
      }
    } else {
      buffered.computeIfAbsent(tp, k -> new ArrayDeque<>()).addAll(records);
      bufferedEndOffsets.put(tp, endOffset);
    }
  }

  /** Handles a failed Fetch: true when the position must be reset, else schedules a retry. */
  private boolean isOutOfRange(Answer answer, long nowMs) {
    RunnelException error = RunnelException.from(answer.error());
    if (error.reason() == ErrorReason.OFFSET_OUT_OF_RANGE) {
      return true;
    }
    metadata.invalidateOn(error, answer.tp().topic());
    int failures = failuresInARow.merge(answer.tp(), 1, Integer::sum);
    if (!backoff.mayRetry(error, failures)) {
      failuresInARow.remove(answer.tp());
      throw new RunnelException(
          error.reason(),
          error.code(),
          error.metadata(),
          "fetch from " + answer.tp() + " at offset " + answer.fetchOffset() + " failed after "
              + failures + " attempt(s): " + error.getMessage(),
          error);
    }
    retryAtMs.put(answer.tp(), nowMs + backoff.backoffMs(failures));
    return false;
  }

  /** Hands out up to {@code maxRecords} buffered records, advancing each partition's position. */
  List<ConsumerRecord> takeRecords(int maxRecords) {
    List<ConsumerRecord> out = new ArrayList<>();
    for (TopicPartition tp : subscriptions.assignedInOrder()) {
      ArrayDeque<ConsumerRecord> queue = buffered.get(tp);
      while (queue != null && !queue.isEmpty() && out.size() < maxRecords) {
        ConsumerRecord record = queue.pollFirst();
        out.add(record);
        subscriptions.seek(tp, record.offset() + 1);
      }
      if (queue != null && queue.isEmpty()) {
        buffered.remove(tp);
        Long endOffset = bufferedEndOffsets.remove(tp);
        Long position = subscriptions.position(tp);
        if (endOffset != null && position != null && endOffset > position) {
          subscriptions.seek(tp, endOffset);
        }
      }
    }
    return out;
  }

  /** Forgets buffered records of {@code tp}, after a seek or when it is no longer assigned. */
  void discard(TopicPartition tp) {
    buffered.remove(tp);
    bufferedEndOffsets.remove(tp);
    failuresInARow.remove(tp);
    retryAtMs.remove(tp);
  }

  private boolean hasBuffered(TopicPartition tp) {
    ArrayDeque<ConsumerRecord> queue = buffered.get(tp);
    return queue != null && !queue.isEmpty();
  }

  private final class FetchObserver implements StreamObserver<FetchResponse> {
    private final TopicPartition tp;
    private final long fetchOffset;
    private FetchResponse response;

    FetchObserver(TopicPartition tp, long fetchOffset) {
      this.tp = tp;
      this.fetchOffset = fetchOffset;
    }

    @Override
    public void onNext(FetchResponse value) {
      response = value;
    }

    @Override
    public void onError(Throwable t) {
      answers.add(new Answer(tp, fetchOffset, null, t));
    }

    @Override
    public void onCompleted() {
      answers.add(new Answer(tp, fetchOffset, response == null ? FetchResponse.getDefaultInstance() : response, null));
    }
  }
}
