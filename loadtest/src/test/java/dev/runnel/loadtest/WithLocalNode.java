package dev.runnel.loadtest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose tests share one in-process node, started before them in a temporary
 * directory ({@code dir}, also theirs for files) and closed after them. Test classes run one at a
 * time (no parallel execution is configured), so the static fields belong to the running class.
 */
public abstract class WithLocalNode {
  @TempDir protected static Path dir;
  protected static LocalNode node;

  @BeforeAll
  protected static void startNode() throws Exception {
    node = LocalNode.start(dir.resolve("node"));
  }

  @AfterAll
  protected static void stopNode() {
    if (node != null) {
      node.close();
      node = null;
    }
  }
}
