package dev.runnel.connect.distributed;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition of the offsets topic a connector or task belongs to. The worker owning that
 * partition (through the workers' consumer group) runs it and writes its source offsets there,
 * so whoever takes the partition over also takes the offsets. Pure: the same on every worker.
 */
public final class TaskPlacement {
  private TaskPlacement() {}

  /** The partition of task {@code task} of {@code connector}; task -1 is the connector itself. */
  public static int partition(String connector, int task, int partitions) {
    String key = task < 0 ? "connector:" + connector : "task:" + connector + ":" + task;
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
