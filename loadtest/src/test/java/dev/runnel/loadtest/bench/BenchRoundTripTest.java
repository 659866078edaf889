package dev.runnel.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.LocalNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/** Workloads run through the real commands against one real node on loopback. */
class BenchRoundTripTest {
  @TempDir static Path dataDir;
  static LocalNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = LocalNode.start(dataDir);
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @Test
  void e2e_workload_file_reads_back_every_record_with_its_latency(@TempDir Path tmp) throws Exception {
    Path workload = tmp.resolve("e2e.yaml");
    Files.writeString(workload, String.join("\n",
        "name: rt-e2e", "mode: e2e", "partitions: 2", "recordSizeBytes: 64", "rateRecordsPerSec: 400",
        "records: 800", "warmupS: 1", "durationS: 10", "producers: 2", "consumers: 2",
        "keyDistribution: zipf", "keyCount: 20", ""));
    Map<?, ?> report = run(tmp, new RunCommand(), workload.toString(), "--label", "test node");
    assertEquals(true, report.get("ok"), report.toString());
    assertEquals("test node", report.get("label"));
    Map<?, ?> produce = phase(report, 0);
    Map<?, ?> e2e = phase(report, 1);
    assertEquals("e2e", e2e.get("phase"));
    assertEquals(0, e2e.get("missing"));
    // 800 records at 400/s: the first second's ~400 are warm-up, the rest are measured.
    int measured = (Integer) ((Map<?, ?>) e2e.get("latency")).get("count");
    assertTrue(measured >= 300 && measured <= 500, "measured " + measured);
    assertEquals(true, ((Map<?, ?>) e2e.get("latency")).get("coCorrected"));
    assertTrue((Double) ((Map<?, ?>) e2e.get("latency")).get("p50Ms") > 0, e2e.toString());
    assertEquals(0, produce.get("failed"));
  }

  @Test
  void consume_workload_writes_a_backlog_and_reads_all_of_it(@TempDir Path tmp) throws Exception {
    Path workload = tmp.resolve("c.yaml");
    Files.writeString(workload, "name: rt-consume\nmode: consume\npartitions: 3\nrecordSizeBytes: 100\nrecords: 3000\ndurationS: 30\n");
    Map<?, ?> report = run(tmp, new RunCommand(), workload.toString());
    assertEquals(true, report.get("ok"), report.toString());
    assertEquals("fill", phase(report, 0).get("phase"));
    assertEquals(3000, phase(report, 0).get("records"));
    Map<?, ?> consume = phase(report, 1);
    assertEquals(3000, consume.get("records"));
    assertEquals(300000, consume.get("bytes"));
    assertEquals("none", ((Map<?, ?>) consume.get("latency")).get("kind"));
  }

  @Test
  void produce_workload_with_overrides_and_tsv_output(@TempDir Path tmp) throws Exception {
    Path tsv = tmp.resolve("r.tsv");
    Map<?, ?> report =
        run(tmp, new RunCommand(), Path.of("workloads/a-produce-1k.yaml").toString(),
            "--set", "records=2000", "--set", "warmupS=0", "--set", "partitions=2", "--set", "durationS=20",
            "--tsv", tsv.toString());
    assertEquals(true, report.get("ok"), report.toString());
    assertEquals(2000, phase(report, 0).get("records"));
    assertEquals(2048000, phase(report, 0).get("bytes"));
    List<String> lines = Files.readAllLines(tsv);
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).startsWith("a-produce-1k\trunnel\trunnel\tproduce\t2000\t0\t0\t"), lines.get(1));
  }

  @Test
  void a_records_cap_used_up_in_the_warm_up_fails_the_run_instead_of_measuring_nothing(@TempDir Path tmp)
      throws Exception {
    Path workload = tmp.resolve("p.yaml");
    Files.writeString(workload, String.join("\n",
        "name: rt-capped", "mode: produce", "partitions: 1", "recordSizeBytes: 16", "records: 50",
        "warmupS: 4", "durationS: 5", ""));
    Map<?, ?> report = run(tmp, 1, new RunCommand(), workload.toString());
    assertEquals(false, report.get("ok"), report.toString());
    assertEquals(0, phase(report, 0).get("records"));
    assertTrue(report.get("errors").toString().contains("all 50 records (the workload's records cap) were sent in the 4 s warm-up"),
        report.toString());
  }

  @Test
  void e2e_command_runs_from_options_and_rejects_bad_ones(@TempDir Path tmp) throws Exception {
    Map<?, ?> report =
        run(tmp, new E2eCommand(), "--partitions", "1", "--record-size", "16", "--rate", "200",
            "--records", "200", "--warmup-s", "0", "--duration-s", "5");
    assertEquals(true, report.get("ok"), report.toString());
    assertEquals(200, phase(report, 1).get("records"));

    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new E2eCommand())
            .setErr(new PrintWriter(err))
            .execute("--bootstrap", node.bootstrap(), "--record-size", "4");
    assertEquals(2, exit);
    assertTrue(err.toString().contains("perf e2e: mode e2e needs recordSizeBytes >= 8"), err.toString());
  }

  /** Runs the command against the node with --json and returns the parsed summary. */
  private static Map<?, ?> run(Path tmp, Object command, String... args) throws Exception {
    return run(tmp, 0, command, args);
  }

  /** As {@link #run(Path, Object, String...)}, expecting the given exit code. */
  private static Map<?, ?> run(Path tmp, int expectedExit, Object command, String... args) throws Exception {
    Path json = Files.createTempFile(tmp, "report", ".json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--bootstrap";
    all[args.length + 1] = node.bootstrap();
    all[args.length + 2] = "--json";
    all[args.length + 3] = json.toString();
    int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all);
    assertEquals(expectedExit, exit, "out:\n" + out + "\nerr:\n" + err);
    return (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(json));
  }

  private static Map<?, ?> phase(Map<?, ?> report, int index) {
    return (Map<?, ?>) ((List<?>) report.get("phases")).get(index);
  }
}
