package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.MetadataRequest;
import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controller voters and a fourth node outside the quorum that joins later: it follows the
 * controller group as a Ratis listener, so it holds its own copy of the metadata (topics created
 * before and after it joined), serves Metadata and topic descriptions from it, and takes new
 * partitions like any node, without the voters being restarted.
 */
class NonVoterListenerTest {
  @TempDir Path root;

  @Test
  void nonVoterJoinsLaterAsListenerAndServesMetadataFromItsCopy() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 4, 3).startFirst(3)) {
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic("before", 2, 3, Map.of());
      }
      cluster.start(4);
      assertEquals("LISTENER", cluster.node(4).controllerRole());
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.node(1).registeredNodes() == 4);

      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic("after", 1, 3, Map.of());
      }
      // The listener applies the controller's entries itself: the new topic shows up in its copy.
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.node(4).localMetadataHasTopic("after"));
      assertTrue(cluster.node(4).localMetadataHasTopic("before"), "what was there before it joined, too");
      try (Admin viaNonVoter = Admin.create(cluster.bootstrap(4))) {
        assertEquals(1, viaNonVoter.describeTopic("after").getPartitionsCount());
        assertEquals(2, viaNonVoter.describeTopic("before").getPartitionsCount());
      }
      ManagedChannel channel = TestNodes.channel(cluster.node(4));
      try {
        MetadataResponse metadata =
            AdminGrpc.newBlockingStub(channel).metadata(MetadataRequest.getDefaultInstance());
        assertEquals(4, metadata.getNodesCount(), "all four nodes, as the listener's copy has them");
        assertTrue(metadata.getTopicsList().stream().anyMatch(t -> t.getName().equals("after")));
      } finally {
        channel.shutdownNow();
      }

      // The late node is usable for new partitions: with RF = 4 it holds a replica of each.
      TopicDescription everywhere;
      try (Admin admin = Admin.create(cluster.bootstrap(4))) {
        everywhere = admin.createTopic("everywhere", 2, 4, Map.of());
      }
      for (var p : everywhere.getPartitionsList()) {
        assertTrue(p.getReplicasList().contains(4), "replicas " + p.getReplicasList());
      }
      try (Producer producer = Producer.builder().bootstrap(cluster.bootstrap(4)).build()) {
        producer.sendSync(ProducerRecord.of("everywhere", null, "1".getBytes(StandardCharsets.UTF_8)));
      }
      assertTrue(cluster.node(4).hostsReplica("everywhere", 0));

      // A restarted non-voter comes back as a listener (its replica of the group is recovered).
      cluster.stop(4);
      cluster.start(4);
      assertEquals("LISTENER", cluster.node(4).controllerRole());
      assertTrue(cluster.node(4).localMetadataHasTopic("everywhere"));
    }
  }
}
