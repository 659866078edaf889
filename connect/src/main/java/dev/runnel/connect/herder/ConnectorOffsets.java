package dev.runnel.connect.herder;

import dev.runnel.connect.runtime.Worker;
import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.sdk.RunnelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /connectors/{name}/offsets, in Kafka Connect's shape: a source's committed source offsets,
 * or a sink's committed group offsets as {kafka_topic, kafka_partition} -> {kafka_offset}.
 */
public final class ConnectorOffsets {
  private final Worker worker;

  public ConnectorOffsets(Worker worker) {
    this.worker = worker;
  }

  public List<Map<String, Object>> offsets(String connector, boolean sink) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (!sink) {
      worker.offsets().offsets(connector).forEach((partition, offset) -> out.add(entry(partition, offset)));
      return out;
    }
    DescribeGroupResponse group;
    try {
      group = worker.admin().describeGroup(Worker.sinkGroup(connector));
    } catch (RunnelException e) {
      if (e.reason() == ErrorReason.UNKNOWN_GROUP) {
        return out;
      }
      throw e;
    }
    for (PartitionLag lag : group.getPartitionsList()) {
      if (lag.getCommittedOffset() < 0) {
        continue;
      }
      Map<String, Object> partition = new LinkedHashMap<>();
      partition.put("kafka_topic", lag.getTopic());
      partition.put("kafka_partition", lag.getPartition());
      out.add(entry(partition, Map.of("kafka_offset", lag.getCommittedOffset())));
    }
    return out;
  }

  private static Map<String, Object> entry(Map<String, ?> partition, Map<String, ?> offset) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("partition", partition);
    entry.put("offset", offset);
    return entry;
  }
}
