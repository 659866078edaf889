package dev.runnel.node;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * The data directory's identity file ({@code meta.properties}, as in Kafka): which cluster and
 * which node the data belongs to. Written when the directory is new; checked at every start so a
 * node never serves another node's data by mistake.
 */
final class ClusterIdentity {
  static final String FILE_NAME = "meta.properties";

  private ClusterIdentity() {}

  /** The cluster id recorded in {@code dataDir}, recording a new one if the directory is new. */
  static String loadOrCreate(Path dataDir, int nodeId) throws IOException {
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
      return props.getProperty("cluster.id");
    }
    String clusterId = UUID.randomUUID().toString();
    props.setProperty("cluster.id", clusterId);
    props.setProperty("node.id", Integer.toString(nodeId));
    props.setProperty("version", "1");
    Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp)) {
      props.store(out, "Runnel data directory identity: do not edit");
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return clusterId;
  }
}
