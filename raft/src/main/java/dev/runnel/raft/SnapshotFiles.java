package dev.runnel.raft;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Writes a state machine's snapshot file atomically (temp file, fsync, rename) with its MD5, so a
 * crash mid-snapshot leaves the previous snapshot in place, and keeps only the newest few.
 */
final class SnapshotFiles {
  private static final int SNAPSHOTS_KEPT = 2;
  private static final SnapshotRetentionPolicy RETENTION =
      new SnapshotRetentionPolicy() {
        @Override
        public int getNumSnapshotsRetained() {
          return SNAPSHOTS_KEPT;
        }
      };

  private SnapshotFiles() {}

  static void write(SimpleStateMachineStorage storage, TermIndex at, byte[] content)
      throws IOException {
    File target = storage.getSnapshotFile(at.getTerm(), at.getIndex());
    File tmp = new File(target.getParentFile(), target.getName() + ".tmp");
    try (var out = new FileOutputStream(tmp)) {
      out.write(content);
      out.getFD().sync();
    }
    Files.move(tmp.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
    storage.updateLatestSnapshot(
        new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), at));
    storage.cleanupOldSnapshots(RETENTION);
  }

  /** The newest snapshot's bytes, or null when there is none. */
  static byte[] readLatest(SimpleStateMachineStorage storage) throws IOException {
    SingleFileSnapshotInfo latest = storage.loadLatestSnapshot();
    if (latest == null) {
      return null;
    }
    File file = latest.getFile().getPath().toFile();
    if (latest.getFile().getFileDigest() != null) {
      MD5FileUtil.verifySavedMD5(file, latest.getFile().getFileDigest());
    }
    return Files.readAllBytes(file.toPath());
  }
}
