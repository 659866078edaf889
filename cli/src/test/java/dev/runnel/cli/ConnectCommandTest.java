package dev.runnel.cli;

import static dev.runnel.cli.ErrorAssertions.assertOneErrorLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runnel connect}: bad input gives one clear line and exit code 2 (the worker itself is tested in connect/). */
class ConnectCommandTest {
  @TempDir Path dir;

  @Test
  void connectAlone_isAUsageError() {
    Cli.Result result = Cli.run("connect");
    assertEquals(2, result.exitCode(), result.describe());
    assertTrue(result.err().contains("standalone or distributed"), result.describe());
  }

  @Test
  void aMissingWorkerFile_isOneErrorLine() {
    assertOneErrorLine(Cli.run("connect", "standalone", dir.resolve("nope.properties").toString()), 2,
        "error: properties file");
  }

  @Test
  void standaloneWithoutAnOffsetsFile_namesTheProperty() throws Exception {
    Path worker = Files.writeString(dir.resolve("worker.properties"), "bootstrap.servers=127.0.0.1:1\n");
    Cli.Result result = Cli.run("connect", "standalone", worker.toString());
    assertOneErrorLine(result, 2, "error: ");
    assertTrue(result.err().contains("offset.storage.file.filename"), result.describe());
  }

  @Test
  void distributedWithoutAGroupId_namesTheProperty() throws Exception {
    Path worker = Files.writeString(dir.resolve("worker.properties"), "bootstrap.servers=127.0.0.1:1\nrest.port=0\n");
    Cli.Result result = Cli.run("connect", "distributed", worker.toString());
    assertOneErrorLine(result, 2, "error: ");
    assertTrue(result.err().contains("group.id"), result.describe());
  }

  @Test
  void aBadWorkerSetting_namesTheProperty() throws Exception {
    Path worker = Files.writeString(dir.resolve("worker.properties"),
        "offset.storage.file.filename=" + dir.resolve("o.json") + "\nrest.port=99999\n");
    Cli.Result result = Cli.run("connect", "standalone", worker.toString());
    assertOneErrorLine(result, 2, "error: ");
    assertTrue(result.err().contains("rest.port"), result.describe());
  }
}
