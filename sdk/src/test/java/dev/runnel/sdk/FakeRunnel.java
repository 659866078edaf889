package dev.runnel.sdk;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.runnel.proto.Errors;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommitOffsetsResponse;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.DeleteTopicRequest;
import dev.runnel.proto.v1.DeleteTopicResponse;
import dev.runnel.proto.v1.DescribeTopicRequest;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.FetchOffsetsRequest;
import dev.runnel.proto.v1.FetchOffsetsResponse;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.proto.v1.InitProducerIdRequest;
import dev.runnel.proto.v1.InitProducerIdResponse;
import dev.runnel.proto.v1.ListOffsetsRequest;
import dev.runnel.proto.v1.ListOffsetsResponse;
import dev.runnel.proto.v1.ListTopicsRequest;
import dev.runnel.proto.v1.ListTopicsResponse;
import dev.runnel.proto.v1.MetadataRequest;
import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.NodeInfo;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.OffsetsGrpc;
import dev.runnel.proto.v1.PartitionDescription;
import dev.runnel.proto.v1.PartitionMetadata;
import dev.runnel.proto.v1.PartitionOffset;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.ProduceResponse;
import dev.runnel.proto.v1.ProduceStreamRequest;
import dev.runnel.proto.v1.ProduceStreamResponse;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.proto.v1.TopicMetadata;
import dev.runnel.proto.v1.TopicSummary;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * An in-memory stand-in for a single Runnel node (Broker, Admin and Offsets on one in-process
 * server), so the SDK's gRPC paths are tested while the real node is written. Its state is honest:
 * it stores the batches it receives, checks their CRC, count and producer sequence, assigns
 * offsets, and serves them back, so a broken SDK fails these tests. Failures can be injected into
 * Produce.
 */
final class FakeRunnel implements AutoCloseable {
  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  private final Map<String, List<List<RecordBatch>>> logs = new HashMap<>();
  private final Map<String, Long> committed = new HashMap<>();
  /** Per topic/partition/producer id: the producer's epoch and the next sequence expected. */
  private final Map<String, long[]> sequences = new HashMap<>();
  private final AtomicInteger produceCalls = new AtomicInteger();
  private final AtomicInteger producerIds = new AtomicInteger();
  private volatile int produceFailuresLeft;
  private volatile Status produceFailure = Status.UNAVAILABLE;

  FakeRunnel() throws IOException {
    server =
        InProcessServerBuilder.forName(name)
            .addService(new BrokerService())
            .addService(new AdminService())
            .addService(new OffsetsService())
            .build()
            .start();
  }

  /** Channel factory for SDK builders: every address leads to this fake. */
  Function<String, ManagedChannel> channels() {
    return address -> InProcessChannelBuilder.forName(name).build();
  }

  /** The next {@code n} Produce calls fail with {@code status} (Integer.MAX_VALUE = always). */
  void failProduces(int n, Status status) {
    produceFailure = status;
    produceFailuresLeft = n;
  }

  int produceCalls() {
    return produceCalls.get();
  }

  synchronized List<RecordBatch> batches(String topic, int partition) {
    return List.copyOf(logs.get(topic).get(partition));
  }

  synchronized void createTopic(String topic, int partitions) {
    List<List<RecordBatch>> partitionLogs = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      partitionLogs.add(new ArrayList<>());
    }
    logs.put(topic, partitionLogs);
  }

  /** Drops the first batches of a partition, as retention would, moving its log start. */
  synchronized void truncateBefore(String topic, int partition, int batchCount) {
    logs.get(topic).get(partition).subList(0, batchCount).clear();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  static StatusRuntimeException error(Status.Code code, ErrorReason reason, Map<String, String> metadata) {
    ErrorInfo info =
        ErrorInfo.newBuilder()
            .setDomain(Errors.DOMAIN)
            .setReason(reason.name())
            .putAllMetadata(metadata)
            .build();
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage(reason.name() + ": injected by FakeRunnel")
            .addDetails(Any.pack(info))
            .build());
  }

  private synchronized List<RecordBatch> log(String topic, int partition) {
    List<List<RecordBatch>> partitions = logs.get(topic);
    if (partitions == null) {
      throw error(Status.Code.NOT_FOUND, ErrorReason.UNKNOWN_TOPIC, Map.of(Errors.TOPIC, topic));
    }
    if (partition < 0 || partition >= partitions.size()) {
      throw error(Status.Code.NOT_FOUND, ErrorReason.UNKNOWN_PARTITION, Map.of());
    }
    return partitions.get(partition);
  }

  /**
   * As the node does for an idempotent producer: a partition takes its batches only in sequence
   * order (a new epoch starts again at 0), so a batch that overtook a failed earlier one is
   * refused with OUT_OF_ORDER_SEQUENCE and the producer sends it again behind that one.
   */
  private void checkSequence(String topic, int partition, RecordBatch batch) {
    if (batch.getProducerId() == 0) {
      return;
    }
    String key = topic + "/" + partition + "/" + batch.getProducerId();
    long[] epochAndNext = sequences.get(key);
    boolean inOrder =
        epochAndNext == null || batch.getProducerEpoch() > epochAndNext[0]
            ? batch.getBaseSequence() == 0
            : batch.getProducerEpoch() == epochAndNext[0] && batch.getBaseSequence() == epochAndNext[1];
    if (!inOrder) {
      throw error(Status.Code.FAILED_PRECONDITION, ErrorReason.OUT_OF_ORDER_SEQUENCE, Map.of());
    }
    sequences.put(key, new long[] {batch.getProducerEpoch(), batch.getBaseSequence() + batch.getRecordCount()});
  }

  private static long endOffset(List<RecordBatch> log) {
    if (log.isEmpty()) {
      return 0;
    }
    RecordBatch last = log.get(log.size() - 1);
    return last.getBaseOffset() + last.getRecordCount();
  }

  private final class BrokerService extends BrokerGrpc.BrokerImplBase {
    @Override
    public void initProducerId(
        InitProducerIdRequest request, StreamObserver<InitProducerIdResponse> response) {
      response.onNext(InitProducerIdResponse.newBuilder().setProducerId(producerIds.incrementAndGet()).build());
      response.onCompleted();
    }

    @Override
    public void produce(ProduceRequest request, StreamObserver<ProduceResponse> response) {
      produceCalls.incrementAndGet();
      try {
        if (produceFailuresLeft > 0) {
          if (produceFailuresLeft != Integer.MAX_VALUE) {
            produceFailuresLeft--;
          }
          throw produceFailure.asRuntimeException();
        }
        RecordBatch batch = request.getBatch();
        CRC32C crc = new CRC32C();
        crc.update(batch.getRecords().toByteString().toByteArray());
        if (!batch.hasCrc32C() || batch.getCrc32C() != (int) crc.getValue()
            || batch.getRecordCount() != batch.getRecords().getRecordsCount()) {
          throw error(Status.Code.INVALID_ARGUMENT, ErrorReason.CORRUPT_BATCH, Map.of());
        }
        long baseOffset;
        long appendTimeMs = System.currentTimeMillis();
        synchronized (FakeRunnel.this) {
          List<RecordBatch> log = log(request.getTopic(), request.getPartition());
          checkSequence(request.getTopic(), request.getPartition(), batch);
          baseOffset = endOffset(log);
          log.add(batch.toBuilder().setBaseOffset(baseOffset).setLogAppendTimeMs(appendTimeMs).build());
          FakeRunnel.this.notifyAll();
        }
        response.onNext(
            ProduceResponse.newBuilder()
                .setPartition(request.getPartition())
                .setBaseOffset(baseOffset)
                .setLogAppendTimeMs(appendTimeMs)
                .build());
        response.onCompleted();
      } catch (StatusRuntimeException e) {
        response.onError(e);
      }
    }

    /** Each request goes through {@link #produce}; answers carry its correlation id. */
    @Override
    public StreamObserver<ProduceStreamRequest> produceStream(StreamObserver<ProduceStreamResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ProduceStreamRequest request) {
          long id = request.getCorrelationId();
          produce(request.getRequest(), new StreamObserver<>() {
            @Override
            public void onNext(ProduceResponse response) {
              send(ProduceStreamResponse.newBuilder().setCorrelationId(id).setResponse(response).build());
            }

            @Override
            public void onError(Throwable t) {
              send(ProduceStreamResponse.newBuilder().setCorrelationId(id).setError(StatusProto.fromThrowable(t)).build());
            }

            @Override
            public void onCompleted() {}
          });
        }

        private void send(ProduceStreamResponse response) {
          synchronized (out) {
            out.onNext(response);
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          synchronized (out) {
            out.onCompleted();
          }
        }
      };
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> response) {
      try {
        FetchResponse.Builder answer = FetchResponse.newBuilder();
        synchronized (FakeRunnel.this) {
          List<RecordBatch> log = log(request.getTopic(), request.getPartition());
          long deadlineMs = System.currentTimeMillis() + request.getMaxWaitMs();
          // Long poll: wait for data at the requested offset, as the node does.
          while (endOffset(log) <= request.getOffset() && System.currentTimeMillis() < deadlineMs
              && (log.isEmpty() || request.getOffset() >= log.get(0).getBaseOffset())) {
            FakeRunnel.this.wait(Math.max(1, deadlineMs - System.currentTimeMillis()));
          }
          long start = log.isEmpty() ? 0 : log.get(0).getBaseOffset();
          long end = endOffset(log);
          if (request.getOffset() < start || request.getOffset() > end) {
            throw error(
                Status.Code.OUT_OF_RANGE,
                ErrorReason.OFFSET_OUT_OF_RANGE,
                Map.of(Errors.LOG_START_OFFSET, Long.toString(start), Errors.HIGH_WATERMARK, Long.toString(end)));
          }
          int bytes = 0;
          for (RecordBatch batch : log) {
            if (batch.getBaseOffset() + batch.getRecordCount() <= request.getOffset()) {
              continue;
            }
            if (bytes > 0 && bytes + batch.getSerializedSize() > request.getMaxBytes()) {
              break;
            }
            bytes += batch.getSerializedSize();
            answer.addBatches(batch);
          }
          answer.setHighWatermark(end).setLogStartOffset(start);
        }
        response.onNext(answer.build());
        response.onCompleted();
      } catch (StatusRuntimeException e) {
        response.onError(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        response.onError(Status.CANCELLED.asRuntimeException());
      }
    }
  }

  private final class AdminService extends AdminGrpc.AdminImplBase {
    @Override
    public void createTopic(CreateTopicRequest request, StreamObserver<TopicDescription> response) {
      synchronized (FakeRunnel.this) {
        if (logs.containsKey(request.getName())) {
          response.onError(error(Status.Code.ALREADY_EXISTS, ErrorReason.TOPIC_ALREADY_EXISTS, Map.of()));
          return;
        }
        FakeRunnel.this.createTopic(request.getName(), request.getPartitions());
      }
      response.onNext(describe(request.getName()));
      response.onCompleted();
    }

    @Override
    public void deleteTopic(DeleteTopicRequest request, StreamObserver<DeleteTopicResponse> response) {
      synchronized (FakeRunnel.this) {
        logs.remove(request.getName());
      }
      response.onNext(DeleteTopicResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> response) {
      ListTopicsResponse.Builder answer = ListTopicsResponse.newBuilder();
      synchronized (FakeRunnel.this) {
        logs.forEach(
            (topic, partitions) ->
                answer.addTopics(
                    TopicSummary.newBuilder().setName(topic).setPartitions(partitions.size()).setReplicationFactor(1)));
      }
      response.onNext(answer.build());
      response.onCompleted();
    }

    @Override
    public void describeTopic(DescribeTopicRequest request, StreamObserver<TopicDescription> response) {
      try {
        response.onNext(describe(request.getName()));
        response.onCompleted();
      } catch (StatusRuntimeException e) {
        response.onError(e);
      }
    }

    @Override
    public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> response) {
      MetadataResponse.Builder answer =
          MetadataResponse.newBuilder()
              .setClusterId("fake")
              .setControllerId(1)
              .addNodes(NodeInfo.newBuilder().setId(1).setHost("0.0.0.0").setPort(9400));
      synchronized (FakeRunnel.this) {
        for (String topic : request.getTopicsList()) {
          List<List<RecordBatch>> partitions = logs.get(topic);
          if (partitions == null) {
            continue;
          }
          TopicMetadata.Builder tm = TopicMetadata.newBuilder().setName(topic);
          for (int p = 0; p < partitions.size(); p++) {
            tm.addPartitions(PartitionMetadata.newBuilder().setPartition(p).setLeaderId(1).addReplicas(1));
          }
          answer.addTopics(tm);
        }
      }
      response.onNext(answer.build());
      response.onCompleted();
    }

    @Override
    public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> response) {
      ListOffsetsResponse.Builder answer = ListOffsetsResponse.newBuilder();
      try {
        synchronized (FakeRunnel.this) {
          int partitions = logs.containsKey(request.getTopic()) ? logs.get(request.getTopic()).size() : 0;
          List<Integer> asked = request.getPartitionsList();
          for (int p = 0; p < partitions; p++) {
            if (!asked.isEmpty() && !asked.contains(p)) {
              continue;
            }
            List<RecordBatch> log = log(request.getTopic(), p);
            long offset;
            if (request.hasTimestampMs()) {
              offset =
                  log.stream()
                      .filter(b -> b.getMaxTimestampMs() >= request.getTimestampMs())
                      .mapToLong(RecordBatch::getBaseOffset)
                      .findFirst()
                      .orElse(-1);
            } else if (request.getSpec() == OffsetSpec.OFFSET_SPEC_EARLIEST) {
              offset = log.isEmpty() ? endOffset(log) : log.get(0).getBaseOffset();
            } else {
              offset = endOffset(log);
            }
            answer.addOffsets(PartitionOffset.newBuilder().setPartition(p).setOffset(offset));
          }
          if (partitions == 0) {
            log(request.getTopic(), 0);
          }
        }
        response.onNext(answer.build());
        response.onCompleted();
      } catch (StatusRuntimeException e) {
        response.onError(e);
      }
    }

    private TopicDescription describe(String topic) {
      synchronized (FakeRunnel.this) {
        List<List<RecordBatch>> partitions = logs.get(topic);
        if (partitions == null) {
          throw error(Status.Code.NOT_FOUND, ErrorReason.UNKNOWN_TOPIC, Map.of(Errors.TOPIC, topic));
        }
        TopicDescription.Builder d = TopicDescription.newBuilder().setName(topic).setReplicationFactor(1);
        for (int p = 0; p < partitions.size(); p++) {
          List<RecordBatch> log = partitions.get(p);
          d.addPartitions(
              PartitionDescription.newBuilder()
                  .setPartition(p)
                  .setLeaderId(1)
                  .addReplicas(1)
                  .setHighWatermark(endOffset(log))
                  .setLogStartOffset(log.isEmpty() ? endOffset(log) : log.get(0).getBaseOffset()));
        }
        return d.build();
      }
    }
  }

  private final class OffsetsService extends OffsetsGrpc.OffsetsImplBase {
    @Override
    public void commitOffsets(CommitOffsetsRequest request, StreamObserver<CommitOffsetsResponse> response) {
      synchronized (FakeRunnel.this) {
        for (CommittedOffset co : request.getOffsetsList()) {
          committed.put(key(request.getGroup(), co.getTopic(), co.getPartition()), co.getOffset());
        }
      }
      response.onNext(CommitOffsetsResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void fetchOffsets(FetchOffsetsRequest request, StreamObserver<FetchOffsetsResponse> response) {
      FetchOffsetsResponse.Builder answer = FetchOffsetsResponse.newBuilder();
      synchronized (FakeRunnel.this) {
        for (dev.runnel.proto.v1.TopicPartition tp : request.getPartitionsList()) {
          Long offset = committed.get(key(request.getGroup(), tp.getTopic(), tp.getPartition()));
          if (offset != null) {
            answer.addOffsets(
                CommittedOffset.newBuilder().setTopic(tp.getTopic()).setPartition(tp.getPartition()).setOffset(offset));
          }
        }
      }
      response.onNext(answer.build());
      response.onCompleted();
    }

    private String key(String group, String topic, int partition) {
      return group + "/" + topic + "/" + partition;
    }
  }
}
