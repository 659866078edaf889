package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.raft.RaftIds;
import dev.runnel.sdk.Admin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that stopped after its catch-up by snapshot had recorded the snapshot but before Ratis
 * recorded the install comes back with its controller snapshot ahead of its Raft log, whose open
 * segment ends below the snapshot. Ratis 3.3.0 then failed every append ("gap between start index
 * e+1 and first entry to append S+1") and the node could not register with the controller; the
 * state machine now drops that segment before Ratis opens the log (StaleOpenSegment). The stop
 * window is recreated on disk: the catch-up's copy is another replica's metadata at its applied
 * index written as a snapshot file, which is what that replica's own latest snapshot file is too.
 */
class LogBelowSnapshotTest {
  private static final Pattern SNAPSHOT_FILE = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final Pattern OPEN_SEGMENT = Pattern.compile("log_inprogress_(\\d+)");

  @TempDir Path root;

  @Test
  void aReplicaWhoseOpenSegmentEndsBelowItsSnapshotCatchesUp() throws Exception {
    try (LocalCluster cluster =
        new LocalCluster(root, 3).with("raft.snapshot.every.entries", "16").startAll()) {
      // The controller leader goes away, so the others go on in a newer term: on its return its
      // open segment (old term) is rolled before the first append, as in the CI failure.
      int away = controllerLeader(cluster);
      int other = away == 1 ? 2 : 1;
      TestNodes.growControllerLog(cluster, away, 40, i -> "grow-" + away + "-" + i);
      cluster.stop(away);

      Path awayGroup = controllerGroupDir(away);
      Path openSegment = openSegment(awayGroup);
      long awayOpenStart = startOf(openSegment);
      TestNodes.growControllerLog(cluster, other, 100, i -> "grow-" + other + "-" + i);
      try (Admin admin = Admin.create(cluster.bootstrap(other))) {
        admin.createTopic("made-while-away", 1, 1, Map.of());
      }
      // The copy is the new leader's latest snapshot: its log then reaches the entry after it, or
      // the leader can name the snapshot as that entry's predecessor. (A snapshot ending exactly
      // before the leader's log start, on a leader whose own snapshot is further on, would meet
      // the ALREADY_INSTALLED livelock instead, see docs/operations.md.) Replicas snapshot on
      // their apply thread; wait until the newest one is complete (MD5 file).
      int leader = controllerLeader(cluster);
      Path leaderGroup = controllerGroupDir(leader);
      await().atMost(Duration.ofSeconds(10)).until(() -> latestSnapshot(leaderGroup) != null);
      Path snapshot = latestSnapshot(leaderGroup);
      long snapshotIndex = indexOf(snapshot);
      // The away replica's open segment holds its last entries; they all precede the snapshot,
      // since over 100 entries were written (snapshotting every 16) after the stop.
      assertTrue(
          snapshotIndex > awayOpenStart,
          "snapshot " + snapshotIndex + " is past the away replica's log (open segment from " + awayOpenStart + ")");
      copySnapshot(snapshot, awayGroup.resolve("sm"));

      // Before the fix this start failed after 30 s: "cannot register with the controller (role
      // FOLLOWER, ..., snapshot S, next e+1)", every append refused with "gap between start index
      // e+1 and first entry to append S+1" (and, when the leader's term had not changed, "gap
      // between entries S+1 and e").
      cluster.start(away);
      assertFalse(Files.exists(openSegment), "the open segment below the snapshot was dropped");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.node(away).localMetadataHasTopic("made-while-away"));
      // And it applies new entries like the other replicas, past the snapshot.
      try (Admin admin = Admin.create(cluster.bootstrap(other))) {
        admin.createTopic("made-after-return", 1, 1, Map.of());
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.node(away).localMetadataHasTopic("made-after-return"));
    }
  }

  private static int controllerLeader(LocalCluster cluster) {
    int[] leader = {0};
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (int node = 1; node <= cluster.size(); node++) {
                if (cluster.node(node) != null && cluster.node(node).controllerRole().equals("LEADER")) {
                  leader[0] = node;
                  return true;
                }
              }
              return false;
            });
    return leader[0];
  }

  private Path controllerGroupDir(int node) throws IOException {
    String groupDir = RaftIds.CONTROLLER_GROUP.getUuid().toString();
    try (Stream<Path> paths = Files.walk(root.resolve("node-" + node))) {
      return paths
          .filter(p -> Files.isDirectory(p) && p.getFileName().toString().equals(groupDir))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no controller group directory on node " + node));
    }
  }

  private static Path openSegment(Path groupDir) throws IOException {
    try (Stream<Path> files = Files.list(groupDir.resolve("current"))) {
      List<Path> open =
          files.filter(p -> OPEN_SEGMENT.matcher(p.getFileName().toString()).matches()).toList();
      assertTrue(open.size() == 1, "one open segment after the stop, found " + open);
      return open.get(0);
    }
  }

  private static long startOf(Path openSegment) {
    Matcher m = OPEN_SEGMENT.matcher(openSegment.getFileName().toString());
    assertTrue(m.matches());
    return Long.parseLong(m.group(1));
  }

  /** The newest snapshot file whose MD5 file is written, or null. */
  private static Path latestSnapshot(Path groupDir) throws IOException {
    try (Stream<Path> files = Files.list(groupDir.resolve("sm"))) {
      return files
          .filter(p -> SNAPSHOT_FILE.matcher(p.getFileName().toString()).matches())
          .max(Comparator.comparingLong(LogBelowSnapshotTest::indexOf))
          .filter(p -> Files.exists(p.resolveSibling(p.getFileName() + ".md5")))
          .orElse(null);
    }
  }

  private static long indexOf(Path snapshot) {
    Matcher m = SNAPSHOT_FILE.matcher(snapshot.getFileName().toString());
    assertTrue(m.matches());
    return Long.parseLong(m.group(2));
  }

  /** The snapshot file and its MD5 file, as a catch-up's SnapshotFiles.write leaves them. */
  private static void copySnapshot(Path snapshot, Path smDir) throws IOException {
    Files.copy(snapshot, smDir.resolve(snapshot.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    Path md5 = snapshot.resolveSibling(snapshot.getFileName() + ".md5");
    Files.copy(md5, smDir.resolve(md5.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }
}
