package dev.runnel.loadtest.bench;

import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.PartitionDescription;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** {@link BenchDriver} over Runnel's Java SDK. */
public final class RunnelDriver implements BenchDriver {
  private static final int REQUEST_TIMEOUT_MS = 30_000;
  private static final int MAX_POLL_RECORDS = 10_000;
  // Creating many Raft groups on a loaded machine takes a while; a benchmark must not hang on it.
  private static final long LEADERS_WAIT_NS = TimeUnit.SECONDS.toNanos(120);
  private static final long LEADERS_POLL_NS = TimeUnit.MILLISECONDS.toNanos(200);

  private final String bootstrap;

  public RunnelDriver(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  @Override
  public String system() {
    return "runnel";
  }

  @Override
  public void createTopic(String topic, int partitions, int replicationFactor) {
    try (Admin admin = Admin.builder().bootstrap(bootstrap).requestTimeoutMs(REQUEST_TIMEOUT_MS).build()) {
      try {
        admin.createTopic(topic, partitions, replicationFactor, Map.of());
      } catch (RunnelException e) {
        // A workload with a fixed topic may run again on the same cluster.
        if (e.reason() != ErrorReason.TOPIC_ALREADY_EXISTS) {
          throw e;
        }
      }
      long deadlineNs = System.nanoTime() + LEADERS_WAIT_NS;
      while (!allLed(admin.describeTopic(topic), partitions)) {
        if (System.nanoTime() >= deadlineNs) {
          throw new WorkloadException("topic " + topic + ": not every partition had a leader after "
              + TimeUnit.NANOSECONDS.toSeconds(LEADERS_WAIT_NS) + " s");
        }
        LockSupport.parkNanos(LEADERS_POLL_NS);
      }
    }
  }

  @Override
  public void deleteTopic(String topic) {
    try (Admin admin = Admin.builder().bootstrap(bootstrap).requestTimeoutMs(REQUEST_TIMEOUT_MS).build()) {
      admin.deleteTopic(topic);
    }
  }

  private static boolean allLed(TopicDescription description, int partitions) {
    List<PartitionDescription> list = description.getPartitionsList();
    return list.size() >= partitions && list.stream().allMatch(p -> p.getLeaderId() >= 0);
  }

  @Override
  public BenchDriver.Producer newProducer(Workload workload) {
    dev.runnel.sdk.Producer producer =
        dev.runnel.sdk.Producer.builder()
            .bootstrap(bootstrap)
            .requestTimeoutMs(REQUEST_TIMEOUT_MS)
            .lingerMs(workload.lingerMs())
            .batchSizeBytes(workload.batchSizeBytes())
            .acks(acks(workload.acks()))
            .compression(codec(workload.compression()))
            .build();
    return new BenchDriver.Producer() {
      @Override
      public void send(String topic, byte[] key, byte[] value, SendCallback done) {
        producer
            .send(new ProducerRecord(topic, null, key, value, List.of(), 0L))
            .whenComplete((metadata, error) -> done.done(error));
      }

      @Override
      public void flush() {
        producer.flush();
      }

      @Override
      public void close() {
        producer.close();
      }
    };
  }

  @Override
  public BenchDriver.Consumer newConsumer(
      Workload workload, String topic, List<Integer> partitions, boolean fromBeginning) {
    dev.runnel.sdk.Consumer consumer =
        dev.runnel.sdk.Consumer.builder()
            .bootstrap(bootstrap)
            .requestTimeoutMs(REQUEST_TIMEOUT_MS)
            .maxPollRecords(MAX_POLL_RECORDS)
            .build();
    List<TopicPartition> tps = new ArrayList<>(partitions.size());
    partitions.forEach(p -> tps.add(new TopicPartition(topic, p)));
    consumer.assign(tps);
    // Both seek variants look the offsets up now, so the start position is fixed on return.
    if (fromBeginning) {
      consumer.seekToBeginning(tps);
    } else {
      consumer.seekToEnd(tps);
    }
    return new BenchDriver.Consumer() {
      @Override
      public int poll(Duration timeout, RecordSink sink) {
        List<ConsumerRecord> records = consumer.poll(timeout);
        for (ConsumerRecord record : records) {
          sink.accept(record.value());
        }
        return records.size();
      }

      @Override
      public void close() {
        consumer.close();
      }
    };
  }

  @Override
  public void close() {}

  static Acks acks(Workload.Acks acks) {
    switch (acks) {
      case QUORUM:
        return Acks.ACKS_QUORUM;
      case ALL:
        return Acks.ACKS_ALL;
      case LEADER:
        return Acks.ACKS_LEADER;
      case NONE:
        return Acks.ACKS_NONE;
      default:
        throw new IllegalStateException("unhandled acks " + acks);
    }
  }

  static Codec codec(Workload.Compression compression) {
    switch (compression) {
      case NONE:
        return Codec.CODEC_NONE;
      case LZ4:
        return Codec.CODEC_LZ4;
      case ZSTD:
        return Codec.CODEC_ZSTD;
      default:
        throw new IllegalStateException("unhandled compression " + compression);
    }
  }
}
