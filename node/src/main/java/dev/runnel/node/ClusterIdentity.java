package dev.runnel.node;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.UUID;

/**
 * The data directory's identity file ({@code meta.properties}, as in Kafka): which cluster and
 * which node the data belongs to. Written when the directory is new (with a fresh cluster id,
 * replaced by the controller's once the node has registered); checked at every start so a node
 * never serves another node's or another cluster's data by mistake.
 */
final class ClusterIdentity {
  static final String FILE_NAME = "meta.properties";

  /** The recorded cluster id, and whether this start created the directory's identity. */
  record Identity(String clusterId, boolean fresh) {}

  private ClusterIdentity() {}

  /** The cluster id recorded in {@code dataDir}, recording a new one if the directory is new. */
  static Identity loadOrCreate(Path dataDir, int nodeId) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    Properties props = new Properties();
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file)) {
        props.load(in);
      }
      String recordedNode = props.getProperty("node.id");
      if (!Integer.toString(nodeId).equals(recordedNode)) {
        throw new IllegalArgumentException(
            "data directory "
                + dataDir
                + " belongs to node "
                + recordedNode
                + ", not node "
                + nodeId
                + "; use another data.dir or the right node.id");
      }
      return new Identity(props.getProperty("cluster.id"), false);
    }
    String clusterId = UUID.randomUUID().toString();
    write(dataDir, nodeId, clusterId);
    return new Identity(clusterId, true);
  }

  /**
   * Reconciles the directory's cluster id with the controller's: a fresh directory takes the
   * controller's; an existing one must already have it.
   */
  static void agree(Path dataDir, int nodeId, Identity local, String controllerClusterId)
      throws IOException {
    if (controllerClusterId.isEmpty() || controllerClusterId.equals(local.clusterId())) {
      return;
    }
    if (!local.fresh()) {
      throw new IllegalArgumentException(
          "data directory "
              + dataDir
              + " belongs to cluster "
              + local.clusterId()
              + ", but the controller quorum is cluster "
              + controllerClusterId
              + "; use another data.dir or the right controller.quorum.voters");
    }
    write(dataDir, nodeId, controllerClusterId);
  }

  private static void write(Path dataDir, int nodeId, String clusterId) throws IOException {
    Properties props = new Properties();
    props.setProperty("cluster.id", clusterId);
    props.setProperty("node.id", Integer.toString(nodeId));
    props.setProperty("version", "1");
    Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp)) {
      props.store(out, "Runnel data directory identity: do not edit");
    }
    Files.move(tmp, dataDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
  }
}
