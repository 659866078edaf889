package dev.runnel.node;

import com.google.protobuf.ByteString;
import dev.runnel.node.group.CommittedOffsets;
import dev.runnel.node.group.CoordinatorTenure;
import dev.runnel.node.group.GroupErrors;
import dev.runnel.node.group.OffsetsTopic;
import dev.runnel.node.group.TopicPartition;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.CreateTopicCommand;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.internal.NodeRecord;
import dev.runnel.proto.internal.OffsetCommitKey;
import dev.runnel.proto.internal.OpaqueRecordBatch;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.raft.Placement;
import dev.runnel.storage.StoredBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.proto.RaftProtos.ReplicationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets kept in the internal topic {@code __consumer_offsets} (DESIGN.md section 7).
 * Group G's coordinator is the leader of partition murmur2(G) % partitions. When this node starts
 * leading an offsets partition (a new Raft term) it rebuilds that partition's latest offset per
 * key by scanning its local log, once the log holds every committed entry; commits are records
 * appended through the partition's Raft group and applied to the in-memory view when committed.
 */
public final class OffsetsStore {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetsStore.class);
  /** Bytes read from the log per step while rebuilding a partition's offsets. */
  private static final int SCAN_BYTES_PER_READ = 1 << 20;

  private final NodeContext node;
  private final Map<Integer, Tenure> tenures = new ConcurrentHashMap<>();
  private final AtomicReference<CompletableFuture<Void>> creating = new AtomicReference<>();

  /** One offsets partition's coordinator state on this node; reloaded every leader term. */
  private static final class Tenure {
    final CoordinatorTenure tenure = new CoordinatorTenure();
    long loadedTerm = -1;
    CommittedOffsets offsets = new CommittedOffsets();
  }

  OffsetsStore(NodeContext node) {
    this.node = node;
  }

  public Optional<TopicRecord> topic() {
    return node.directory().metadata().topic(OffsetsTopic.NAME);
  }

  /** The offsets partition of {@code group}, or -1 while the topic does not exist. */
  public int partitionOf(String group) {
    return topic().map(t -> OffsetsTopic.partitionFor(group, t.getPartitions())).orElse(-1);
  }

  /**
   * Null when this node coordinates {@code group} (it leads the group's offsets partition and has
   * rebuilt its offsets this term), else NOT_COORDINATOR naming the node that should, when known.
   */
  public RunnelError notCoordinator(String group) {
    Optional<TopicRecord> topic = topic();
    if (topic.isEmpty()) {
      return GroupErrors.notCoordinator(-1, "");
    }
    int partition = OffsetsTopic.partitionFor(group, topic.get().getPartitions());
    if (view(topic.get(), partition) != null) {
      return null;
    }
    int leader = leaderOf(topic.get(), partition);
    NodeRecord record = leader < 0 || leader == node.nodeId() ? null : node.directory().metadata().nodes().get(leader);
    return record == null
        ? GroupErrors.notCoordinator(-1, "")
        : GroupErrors.notCoordinator(leader, record.getHost() + ":" + record.getGrpcPort());
  }

  /** The node that coordinates {@code group} as this node knows it, or -1. */
  public int coordinatorOf(String group) {
    Optional<TopicRecord> topic = topic();
    return topic.isEmpty() ? -1 : leaderOf(topic.get(), OffsetsTopic.partitionFor(group, topic.get().getPartitions()));
  }

  /** The ids of the nodes leading at least one offsets partition (as this node knows them). */
  public SortedSet<Integer> coordinators() {
    SortedSet<Integer> out = new TreeSet<>();
    topic().ifPresent(
        t -> {
          for (int p = 0; p < t.getPartitions(); p++) {
            out.add(leaderOf(t, p));
          }
        });
    return out;
  }

  private int leaderOf(TopicRecord topic, int partition) {
    PartitionHandle handle = node.directory().find(topic, partition);
    if (handle != null) {
      return node.leaderIdOf(handle);
    }
    // Not hosted here: the preferred leader is the best guess (it redirects if wrong).
    List<Integer> replicas = topic.getAssignments(partition).getReplicasList();
    return replicas.isEmpty() ? -1 : replicas.get(0);
  }

  /**
   * The committed offsets of {@code group}; NOT_COORDINATOR unless this node coordinates it.
   */
  public SortedMap<TopicPartition, GroupOffset> offsets(String group) {
    RunnelError elsewhere = notCoordinator(group);
    if (elsewhere != null) {
      throw elsewhere;
    }
    TopicRecord topic = topic().orElseThrow();
    return view(topic, OffsetsTopic.partitionFor(group, topic.getPartitions())).offsets(group);
  }

  /** Groups with committed offsets in the offsets partitions this node leads now. */
  public SortedSet<String> groupsHere() {
    SortedSet<String> out = new TreeSet<>();
    topic().ifPresent(
        t -> {
          for (int p = 0; p < t.getPartitions(); p++) {
            CommittedOffsets view = view(t, p);
            if (view != null) {
              out.addAll(view.groups());
            }
          }
        });
    return out;
  }

  /**
   * The partition's offsets while this node leads it with a ready leadership and has rebuilt them
   * this term, else null. The rebuild waits (null meanwhile) until this replica has applied every
   * committed entry: only then does its log hold every commit of earlier terms.
   */
  private CommittedOffsets view(TopicRecord topic, int partition) {
    PartitionHandle handle = node.directory().find(topic, partition);
    if (handle == null) {
      return null;
    }
    Tenure tenure = tenures.computeIfAbsent(partition, p -> new Tenure());
    synchronized (tenure) {
      long term = node.raft().readyLeaderTerm(handle.groupId());
      if (!tenure.tenure.coordinates(term, () -> node.raft().appliedAllCommitted(handle.groupId()))) {
        tenure.loadedTerm = -1;
        return null;
      }
      if (tenure.loadedTerm != term) {
        tenure.offsets = load(handle);
        tenure.loadedTerm = term;
      }
      return tenure.offsets;
    }
  }

  /** Scans the partition's log for the latest commit per key. */
  private CommittedOffsets load(PartitionHandle handle) {
    long startNs = System.nanoTime();
    CommittedOffsets offsets = new CommittedOffsets();
    long next = handle.log().logStartOffset();
    long end = handle.log().nextOffset();
    long records = 0;
    while (next < end) {
      List<StoredBatch> batches = handle.read(next, SCAN_BYTES_PER_READ);
      if (batches.isEmpty()) {
        break;
      }
      for (StoredBatch batch : batches) {
        RecordSet set = decode(batch);
        for (int i = 0; i < set.getRecordsCount(); i++) {
          Record record = set.getRecords(i);
          long offset = batch.header().baseOffset() + (set.getOffsetDeltasCount() == 0 ? i : set.getOffsetDeltas(i));
          OffsetCommitKey key = OffsetsTopic.key(record.getKey());
          offsets.apply(
              key.getGroup(),
              new TopicPartition(key.getTopic(), key.getPartition()),
              OffsetsTopic.value(key, record),
              offset);
          records++;
        }
        next = batch.header().lastOffset() + 1;
      }
    }
    LOG.info(
        "coordinating the groups of {}: {} commit records, {} groups, read in {} ms",
        handle, records, offsets.groups().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    return offsets;
  }

  private RecordSet decode(StoredBatch batch) {
    Codec codec = Codec.forNumber(batch.header().codecId());
    if (codec == null) {
      throw new IllegalStateException("a batch of " + OffsetsTopic.NAME + " has unknown codec " + batch.header().codecId());
    }
    try {
      ByteString stored = ByteString.copyFrom(batch.payload().duplicate());
      return RecordSet.parseFrom(Codecs.decompress(codec, stored, node.batchDecompressedBytesMax()));
    } catch (IOException e) {
      throw new IllegalStateException("a batch of " + OffsetsTopic.NAME + " cannot be decoded", e);
    }
  }

  /**
   * Appends one record per change (a null offset is a tombstone) to the group's offsets partition
   * and applies them to the view once committed. The caller checked that this node coordinates
   * the group; the Raft group refuses the append if leadership moved meanwhile.
   */
  public CompletableFuture<Void> append(String group, Map<TopicPartition, GroupOffset> changes) {
    TopicRecord topic = topic().orElseThrow(() -> GroupErrors.notCoordinator(-1, ""));
    int partition = OffsetsTopic.partitionFor(group, topic.getPartitions());
    PartitionHandle handle = node.directory().find(topic, partition);
    CommittedOffsets view = view(topic, partition);
    if (handle == null || view == null) {
      throw notCoordinator(group);
    }
    if (changes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    long nowMs = System.currentTimeMillis();
    List<TopicPartition> order = new ArrayList<>(changes.keySet());
    RecordSet.Builder set = RecordSet.newBuilder();
    for (TopicPartition tp : order) {
      set.addRecords(OffsetsTopic.record(group, tp, changes.get(tp), nowMs));
    }
    OpaqueRecordBatch batch =
        OpaqueRecordBatch.newBuilder()
            .setRecordCount(order.size())
            .setFirstTimestampMs(nowMs)
            .setMaxTimestampMs(nowMs)
            .setCodec(Codec.CODEC_NONE)
            .setRecords(set.build().toByteString())
            .build();
    AppendBatchCommand command =
        BatchValidator.toCommand(
            OffsetsTopic.NAME,
            batch,
            new BatchValidator.Limits(
                TopicRules.maxMessageBytes(topic),
                TopicRules.storedCodec(topic),
                node.batchDecompressedBytesMax(),
                TopicRules.compacted(topic),
                false),
            nowMs);
    handle.log().checkCapacity(command.getPayload().size());
    return handle
        .appender()
        .append(command, ReplicationLevel.MAJORITY)
        .orTimeout(node.produceTimeoutMs(), TimeUnit.MILLISECONDS)
        .thenApply(
            result -> {
              for (int i = 0; i < order.size(); i++) {
                view.apply(group, order.get(i), changes.get(order.get(i)), result.getBaseOffset() + i);
              }
              return null;
            });
  }

  /**
   * Completes once {@code __consumer_offsets} exists, creating it through the controller the first
   * time a group needs it: {@code offsets.topic.partitions} partitions, replication factor
   * min(offsets.topic.replication.factor, registered nodes), compacted.
   */
  public CompletableFuture<Void> ensureTopic() {
    if (topic().isPresent()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = creating.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    CompletableFuture<Void> created;
    try {
      created = create();
    } catch (RuntimeException e) {
      created = CompletableFuture.failedFuture(e);
    }
    created
        .whenComplete(
            (done, failure) -> {
              creating.set(null);
              if (failure == null) {
                mine.complete(null);
              } else {
                mine.completeExceptionally(failure);
              }
            });
    return mine;
  }

  private CompletableFuture<Void> create() {
    Map<Integer, String> racks = new TreeMap<>();
    node.directory().metadata().nodes().values().forEach(n -> racks.put(n.getId(), n.getRack()));
    int partitions = node.config().intValue("offsets.topic.partitions");
    int replicationFactor = Math.min(node.config().intValue("offsets.topic.replication.factor"), racks.size());
    TopicRecord topic =
        TopicRecord.newBuilder()
            .setName(OffsetsTopic.NAME)
            .setTopicId(UUID.randomUUID().toString())
            .setPartitions(partitions)
            .setReplicationFactor(replicationFactor)
            .putAllConfigs(node.topicRules().effectiveConfigs(Map.of(TopicRules.CLEANUP_POLICY, "compact")))
            .setCreatedAtMs(System.currentTimeMillis())
            .addAllAssignments(Placement.assign(racks, partitions, replicationFactor, 0))
            .build();
    LOG.info("creating {} ({} partitions, replication factor {})", OffsetsTopic.NAME, partitions, replicationFactor);
    return node.submitController(
            ControllerCommand.newBuilder().setCreateTopic(CreateTopicCommand.newBuilder().setTopic(topic)).build())
        .handle(
            (created, failure) -> {
              Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
              if (cause instanceof RunnelError e && e.reason() == ErrorReason.TOPIC_ALREADY_EXISTS) {
                return null; // another node created it first
              }
              if (cause != null) {
                throw new CompletionException(cause);
              }
              return null;
            })
        .thenCompose(created -> node.awaitPartitionsReady(OffsetsTopic.NAME));
  }
}
