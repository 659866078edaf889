package dev.runnel.node.grpc;

import com.codahale.metrics.Timer;
import dev.runnel.node.BatchValidator;
import dev.runnel.node.NodeContext;
import dev.runnel.node.PartitionDirectory;
import dev.runnel.node.PartitionHandle;
import dev.runnel.node.ProduceBudget;
import dev.runnel.node.RunnelError;
import dev.runnel.node.TopicRules;
import dev.runnel.proto.AliasingMarshaller;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.AppendResult;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.InitProducerCommand;
import dev.runnel.proto.internal.OpaqueFetchResponse;
import dev.runnel.proto.internal.OpaqueProduceRequest;
import dev.runnel.proto.internal.OpaqueProduceStreamRequest;
import dev.runnel.proto.internal.OpaqueSubscribeResponse;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.InitProducerIdRequest;
import dev.runnel.proto.v1.InitProducerIdResponse;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.ProduceStreamResponse;
import dev.runnel.proto.v1.SubscribeRequest;
import dev.runnel.node.group.OffsetsTopic;
import dev.runnel.storage.StoredBatch;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.proto.RaftProtos.ReplicationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Broker service (Produce, ProduceStream, Fetch, Subscribe). It is bound with node-internal "opaque" views of
 * the public messages (see wire.proto): a batch's records travel in and out as bytes, never
 * decoded per record. Clients see the public schema (reflection serves it).
 */
public final class BrokerService {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerService.class);
  private static final int FETCH_BYTES_DEFAULT = 1 << 20;
  private static final int PRODUCER_NAME_LENGTH_MAX = 249;

  private final NodeContext node;
  private final AtomicInteger roundRobin = new AtomicInteger();

  public BrokerService(NodeContext node) {
    this.node = node;
  }

  static final MethodDescriptor<OpaqueProduceRequest, ProduceResponse> PRODUCE =
      BrokerGrpc.getProduceMethod()
          .toBuilder(
              AliasingMarshaller.of(OpaqueProduceRequest.getDefaultInstance()),
              ProtoUtils.marshaller(ProduceResponse.getDefaultInstance()))
          .build();
  static final MethodDescriptor<OpaqueProduceStreamRequest, ProduceStreamResponse> PRODUCE_STREAM =
      BrokerGrpc.getProduceStreamMethod()
          .toBuilder(
              AliasingMarshaller.of(OpaqueProduceStreamRequest.getDefaultInstance()),
              ProtoUtils.marshaller(ProduceStreamResponse.getDefaultInstance()))
          .build();
  static final MethodDescriptor<FetchRequest, OpaqueFetchResponse> FETCH =
      BrokerGrpc.getFetchMethod()
          .toBuilder(
              ProtoUtils.marshaller(FetchRequest.getDefaultInstance()),
              ProtoUtils.marshaller(OpaqueFetchResponse.getDefaultInstance()))
          .build();
  static final MethodDescriptor<SubscribeRequest, OpaqueSubscribeResponse> SUBSCRIBE =
      BrokerGrpc.getSubscribeMethod()
          .toBuilder(
              ProtoUtils.marshaller(SubscribeRequest.getDefaultInstance()),
              ProtoUtils.marshaller(OpaqueSubscribeResponse.getDefaultInstance()))
          .build();

  public ServerServiceDefinition bind() {
    ServiceDescriptor service =
        ServiceDescriptor.newBuilder(BrokerGrpc.SERVICE_NAME)
            .setSchemaDescriptor(BrokerGrpc.getServiceDescriptor().getSchemaDescriptor())
            .addMethod(PRODUCE)
            .addMethod(PRODUCE_STREAM)
            .addMethod(FETCH)
            .addMethod(SUBSCRIBE)
            .addMethod(BrokerGrpc.getInitProducerIdMethod())
            .build();
    return ServerServiceDefinition.builder(service)
        .addMethod(PRODUCE, ServerCalls.asyncUnaryCall(this::produce))
        .addMethod(
            PRODUCE_STREAM,
            ServerCalls.asyncBidiStreamingCall(
                out -> new ProduceStreamCall(out, this::produce, node.produceStreamRequestsMax())))
        .addMethod(FETCH, ServerCalls.asyncUnaryCall(this::fetch))
        .addMethod(SUBSCRIBE, ServerCalls.asyncServerStreamingCall(this::subscribe))
        .addMethod(BrokerGrpc.getInitProducerIdMethod(), ServerCalls.asyncUnaryCall(this::initProducerId))
        .build();
  }

  /** Producer ids and epochs come from the controller, so they are unique across the cluster. */
  void initProducerId(InitProducerIdRequest request, StreamObserver<InitProducerIdResponse> response) {
    if (request.getProducerName().length() > PRODUCER_NAME_LENGTH_MAX) {
      response.onError(
          GrpcErrors.toStatus(
              RunnelError.invalidRequest(
                  "producer_name is " + request.getProducerName().length() + " characters; the limit is "
                      + PRODUCER_NAME_LENGTH_MAX)));
      return;
    }
    ControllerCommand command =
        ControllerCommand.newBuilder()
            .setInitProducer(InitProducerCommand.newBuilder().setProducerName(request.getProducerName()))
            .build();
    node.submitController(command)
        .whenComplete(
            (result, failure) -> {
              if (failure != null) {
                response.onError(GrpcErrors.toStatus(failure));
                return;
              }
              response.onNext(
                  InitProducerIdResponse.newBuilder()
                      .setProducerId(result.getProducerId())
                      .setProducerEpoch(result.getProducerEpoch())
                      .build());
              response.onCompleted();
            });
  }

  void produce(OpaqueProduceRequest request, StreamObserver<ProduceResponse> caller) {
    Timer.Context timer = node.metrics().produceRequests.time();
    StreamObserver<ProduceResponse> response = caller;
    try {
      TopicRecord topic = node.directory().topic(request.getTopic());
      OffsetsTopic.refuseClient(topic.getName(), "produce to");
      int partition =
          request.hasPartition()
              ? request.getPartition()
              : BatchValidator.choosePartition(
                  request.getBatch(), topic.getPartitions(), roundRobin.getAndIncrement());
      if (request.getAcks() == Acks.ACKS_NONE) {
        answer(caller, partition, -1, 0, false);
        response = new Unanswered(node);
      }
      PartitionDirectory.Route route = node.directory().route(request.getTopic(), partition);
      PartitionHandle handle = route.local();
      int leader = handle == null ? route.preferredLeader() : node.leaderIdOf(handle);
      if (handle == null || leader != node.nodeId()) {
        node.forwarder()
            .unary(
                PRODUCE,
                request.toBuilder().setPartition(partition).build(),
                leader,
                RunnelError.notLeader(request.getTopic(), partition, leader),
                response);
        timer.stop();
        return;
      }
      AppendBatchCommand command =
          BatchValidator.toCommand(
                  topic.getName(),
                  request.getBatch(),
                  new BatchValidator.Limits(
                      TopicRules.maxMessageBytes(topic),
                      TopicRules.storedCodec(topic),
                      node.batchDecompressedBytesMax(),
                      TopicRules.compacted(topic),
                      TopicRules.logAppendTime(topic)),
                  System.currentTimeMillis())
              .toBuilder()
              .setProducerIdExpirationMs(node.producerIdExpirationMs())
              .build();
      handle.log().checkCapacity(command.getPayload().size());
      ReplicationLevel level = replicationLevel(request.getAcks());
      ProduceBudget.Permit permit =
          node.produceBudget()
              .acquire(handle.pendingProduceBytes(), command.getPayload().size(), handle.toString());
      Timer.Context commit = node.metrics().raftCommit.time();
      CompletableFuture<AppendResult> committed;
      try {
        committed = handle.appender().append(command, level);
      } catch (RuntimeException e) {
        permit.release();
        throw e;
      }
      boolean answered = request.getAcks() == Acks.ACKS_LEADER;
      if (answered) {
        answer(response, partition, -1, command.getAppendTimeMs(), false);
      }
      StreamObserver<ProduceResponse> afterCommit = answered ? new Unanswered(node) : response;
      committed
          .orTimeout(node.produceTimeoutMs(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (reply, failure) -> {
                permit.release();
                commit.stop();
                timer.stop();
                onCommitted(topic, command, handle.partition(), reply, failure, afterCommit);
              });
    } catch (RuntimeException e) {
      timer.stop();
      node.metrics().produceErrors.mark();
      response.onError(GrpcErrors.toStatus(e));
    }
  }

  private void onCommitted(
      TopicRecord topic,
      AppendBatchCommand command,
      int partition,
      AppendResult result,
      Throwable failure,
      StreamObserver<ProduceResponse> response) {
    if (failure != null) {
      node.metrics().produceErrors.mark();
      response.onError(GrpcErrors.toStatus(failure));
      return;
    }
    if (!result.getDuplicate()) {
      int bytes = command.getPayload().size();
      node.metrics().bytesIn.mark(bytes);
      node.metrics().recordsIn.mark(command.getRecordCount());
      node.metrics().topicBytesIn(topic.getName()).inc(bytes);
      node.metrics().topicRecordsIn(topic.getName()).inc(command.getRecordCount());
    }
    answer(
        response, partition, result.getBaseOffset(), result.getLogAppendTimeMs(), result.getDuplicate());
  }

  private static void answer(
      StreamObserver<ProduceResponse> response,
      int partition,
      long baseOffset,
      long appendTimeMs,
      boolean duplicate) {
    response.onNext(
        ProduceResponse.newBuilder()
            .setPartition(partition)
            .setBaseOffset(baseOffset)
            .setLogAppendTimeMs(appendTimeMs)
            .setDuplicate(duplicate)
            .build());
    response.onCompleted();
  }

  /**
   * Where the outcome of a produce goes once its caller has been answered early (ACKS_LEADER,
   * ACKS_NONE): failures are counted and logged, nothing is sent.
   */
  private static final class Unanswered implements StreamObserver<ProduceResponse> {
    private final NodeContext node;

    Unanswered(NodeContext node) {
      this.node = node;
    }

    @Override
    public void onNext(ProduceResponse value) {}

    @Override
    public void onError(Throwable t) {
      LOG.debug("produce answered early failed later: {}", t.getMessage());
    }

    @Override
    public void onCompleted() {}
  }

  private static ReplicationLevel replicationLevel(Acks acks) {
    switch (acks) {
      case ACKS_QUORUM:
      case ACKS_LEADER:
      case ACKS_NONE:
        return ReplicationLevel.MAJORITY;
      case ACKS_ALL:
        return ReplicationLevel.ALL;
      default:
        throw RunnelError.invalidRequest("unknown acks value " + acks);
    }
  }

  void fetch(FetchRequest request, StreamObserver<OpaqueFetchResponse> response) {
    Timer.Context timer = node.metrics().fetchRequests.time();
    try {
      PartitionDirectory.Route route = node.directory().route(request.getTopic(), request.getPartition());
      PartitionHandle handle = route.local();
      if (handle == null) {
        // Any replica serves committed data; the preferred leader is as good as any.
        node.forwarder()
            .unary(
                FETCH,
                request,
                route.preferredLeader(),
                RunnelError.notLeader(request.getTopic(), request.getPartition(), route.preferredLeader()),
                response);
        timer.stop();
        return;
      }
      int maxBytes = boundedBytes(request.getMaxBytes());
      long waitMs = Math.min(Math.max(0, request.getMaxWaitMs()), node.fetchWaitMaxMs());
      long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
      fetchOrWait(handle, request.getOffset(), maxBytes, deadlineNs, response, timer);
    } catch (RuntimeException e) {
      timer.stop();
      response.onError(GrpcErrors.toStatus(e));
    }
  }

  private void fetchOrWait(
      PartitionHandle handle,
      long offset,
      int maxBytes,
      long deadlineNs,
      StreamObserver<OpaqueFetchResponse> response,
      Timer.Context timer) {
    List<StoredBatch> batches = handle.read(offset, maxBytes);
    long remainingNs = deadlineNs - System.nanoTime();
    if (batches.isEmpty() && remainingNs > 0 && !handle.closed()) {
      // The wait is taken only when there is nothing to send, and the log read again after it, so
      // an append between the two reads still wakes this fetch. (A timeout on the partition's
      // shared nextAppend() future would complete it for every later waiter too, and they would
      // spin until the next append.) Should the read throw, the wait ends by its own timeout.
      CompletableFuture<Void> appended = handle.nextAppendWithin(remainingNs);
      batches = handle.read(offset, maxBytes);
      if (batches.isEmpty()) {
        appended.thenRunAsync(
            () -> {
              try {
                fetchOrWait(handle, offset, maxBytes, deadlineNs, response, timer);
              } catch (RuntimeException e) {
                timer.stop();
                response.onError(GrpcErrors.toStatus(e));
              }
            },
            node.readExecutor());
        return;
      }
      appended.complete(null);
    }
    OpaqueFetchResponse.Builder out =
        OpaqueFetchResponse.newBuilder()
            .setHighWatermark(handle.log().nextOffset())
            .setLogStartOffset(handle.log().logStartOffset());
    long bytes = 0;
    for (StoredBatch batch : batches) {
      out.addBatches(Batches.toWire(batch));
      bytes += batch.sizeBytes();
    }
    node.metrics().bytesOut.mark(bytes);
    node.metrics().topicBytesOut(handle.topic()).inc(bytes);
    timer.stop();
    response.onNext(out.build());
    response.onCompleted();
  }

  void subscribe(SubscribeRequest request, StreamObserver<OpaqueSubscribeResponse> response) {
    try {
      PartitionHandle handle = node.directory().get(request.getTopic(), request.getPartition());
      long start;
      if (request.hasOffset()) {
        start = request.getOffset();
        handle.read(start, 1); // validates the offset: an out-of-range start fails now
      } else if (request.getStart() == dev.runnel.proto.v1.OffsetSpec.OFFSET_SPEC_EARLIEST) {
        start = handle.log().logStartOffset();
      } else {
        start = handle.log().nextOffset();
      }
      node.subscriptions().open(handle, start, boundedBytes(request.getMaxBytes()), response);
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
    }
  }

  private int boundedBytes(int requested) {
    if (requested < 0) {
      throw RunnelError.invalidRequest("max_bytes must be >= 0, got " + requested);
    }
    return requested == 0 ? FETCH_BYTES_DEFAULT : Math.min(requested, node.fetchBytesMax());
  }
}
