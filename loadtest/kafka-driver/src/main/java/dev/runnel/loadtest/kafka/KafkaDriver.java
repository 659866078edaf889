package dev.runnel.loadtest.kafka;

import dev.runnel.loadtest.bench.BenchDriver;
import dev.runnel.loadtest.bench.Workload;
import dev.runnel.loadtest.bench.WorkloadException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@link BenchDriver} over Apache Kafka's own Java clients, so compare-kafka.sh runs the same
 * workload code against Kafka as against Runnel. Client settings follow the workload (acks,
 * compression, linger, batch size) and are otherwise Kafka's defaults; max.poll.records matches
 * what {@code RunnelDriver} asks for.
 */
public final class KafkaDriver implements BenchDriver {
  private static final int REQUEST_TIMEOUT_MS = 30_000;
  private static final int MAX_POLL_RECORDS = 10_000;
  private static final long LEADERS_WAIT_NS = TimeUnit.SECONDS.toNanos(120);
  private static final long LEADERS_POLL_NS = TimeUnit.MILLISECONDS.toNanos(200);

  private final String bootstrap;

  public KafkaDriver(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  @Override
  public String system() {
    return "kafka";
  }

  @Override
  public void createTopic(String topic, int partitions, int replicationFactor) {
    try (Admin admin = Admin.create(adminProps())) {
      Optional<Short> rf = replicationFactor == 0 ? Optional.empty() : Optional.of((short) replicationFactor);
      try {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), rf))).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new WorkloadException("kafka: cannot create topic " + topic + ": " + e.getCause().getMessage());
        }
      }
      long deadlineNs = System.nanoTime() + LEADERS_WAIT_NS;
      while (!allLed(admin, topic, partitions)) {
        if (System.nanoTime() >= deadlineNs) {
          throw new WorkloadException("kafka: topic " + topic + " has partitions without a leader after 120 s");
        }
        LockSupport.parkNanos(LEADERS_POLL_NS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkloadException("interrupted while creating topic " + topic);
    }
  }

  @Override
  public void deleteTopic(String topic) {
    try (Admin admin = Admin.create(adminProps())) {
      admin.deleteTopics(List.of(topic)).all().get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkloadException("interrupted while deleting topic " + topic);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new WorkloadException("kafka: cannot delete topic " + topic + ": " + e.getMessage());
    }
  }

  private Properties adminProps() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
    return props;
  }

  private static boolean allLed(Admin admin, String topic, int partitions) throws InterruptedException {
    try {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      return description.partitions().size() >= partitions
          && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException e) {
      return false; // metadata not propagated yet
    }
  }

  @Override
  public BenchDriver.Producer newProducer(Workload workload) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, acks(workload.acks()));
    // Like Runnel's SDK: idempotent when the ack reports the write, not otherwise.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(acks(workload.acks()).equals("all")));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, workload.compression().name().toLowerCase(Locale.ROOT));
    props.put(ProducerConfig.LINGER_MS_CONFIG, workload.lingerMs());
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, workload.batchSizeBytes());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS + workload.lingerMs());
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    return new BenchDriver.Producer() {
      @Override
      public void send(String topic, byte[] key, byte[] value, SendCallback done) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> done.done(error));
      }

      @Override
      public void flush() {
        producer.flush();
      }

      @Override
      public void close() {
        producer.close(Duration.ofSeconds(30));
      }
    };
  }

  @Override
  public BenchDriver.Consumer newConsumer(
      Workload workload, String topic, List<Integer> partitions, boolean fromBeginning) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS,
            ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> tps = new ArrayList<>(partitions.size());
    partitions.forEach(p -> tps.add(new TopicPartition(topic, p)));
    consumer.assign(tps);
    if (fromBeginning) {
      consumer.seekToBeginning(tps);
    } else {
      consumer.seekToEnd(tps);
    }
    // Kafka resolves seeks lazily; position() makes it look the offsets up now.
    tps.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
    return new BenchDriver.Consumer() {
      @Override
      public int poll(Duration timeout, RecordSink sink) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        for (ConsumerRecord<byte[], byte[]> record : records) {
          sink.accept(record.value());
        }
        return records.count();
      }

      @Override
      public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
      }
    };
  }

  @Override
  public void close() {}

  static String acks(Workload.Acks acks) {
    switch (acks) {
      case QUORUM:
      case ALL:
        return "all";
      case LEADER:
        return "1";
      case NONE:
        return "0";
      default:
        throw new IllegalStateException("unhandled acks " + acks);
    }
  }
}
