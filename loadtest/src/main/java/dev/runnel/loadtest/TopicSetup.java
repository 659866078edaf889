package dev.runnel.loadtest;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.RunnelException;
import java.util.Map;

/** Makes sure the topic a perf run writes to exists, so a benchmark is a single command. */
final class TopicSetup {
  private TopicSetup() {}

  /** Creates {@code topic} with {@code partitions} and the cluster's default replication, if missing. */
  static void ensureTopic(String bootstrap, String topic, int partitions) {
    try (Admin admin = Admin.create(bootstrap)) {
      try {
        admin.describeTopic(topic);
      } catch (RunnelException e) {
        if (e.reason() != ErrorReason.UNKNOWN_TOPIC) {
          throw e;
        }
        createIgnoringRace(admin, topic, partitions);
      }
    }
  }

  private static void createIgnoringRace(Admin admin, String topic, int partitions) {
    try {
      admin.createTopic(topic, partitions, 0, Map.of());
    } catch (RunnelException e) {
      // Another perf process may have created it between our describe and create.
      if (e.reason() != ErrorReason.TOPIC_ALREADY_EXISTS) {
        throw e;
      }
    }
  }
}
