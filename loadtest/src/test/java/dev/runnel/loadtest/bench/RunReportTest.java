package dev.runnel.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class RunReportTest {
  private static final Workload WORKLOAD = WorkloadParser.parse("name: w\nmode: e2e\nrateRecordsPerSec: 100\n", "t");

  private static RunReport report(String label, List<String> errors) {
    PhaseResult produce =
        new PhaseResult("produce", 2_000, 0, 0, 2_048_000, 2_000_000_000L, "send-to-ack", true,
            new LatencyStats.Summary(2_000, 1.5, 2.5, 9.25, 12.0, 30.0));
    PhaseResult e2e =
        new PhaseResult("e2e", 1_990, 0, 10, 2_037_760, 1_990_000_000L, "send-to-receive", true,
            new LatencyStats.Summary(1_990, 3.0, 4.0, 11.0, 15.0, 31.0));
    return new RunReport(WORKLOAD, "runnel", label, "w-r1", "r1", "1.00 2.00 3.00", "1.50 2.00 3.00",
        List.of(produce, e2e), errors);
  }

  @Test
  void json_summary_is_valid_json_with_every_number() {
    String json = report("quote \" and\ttab\nnewline", List.of()).toJson();
    // JSON is YAML, so the YAML parser checks it is well-formed.
    Map<?, ?> parsed = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(json);
    assertEquals("w", parsed.get("workload"));
    assertEquals("quote \" and\ttab\nnewline", parsed.get("label"));
    assertEquals(false, parsed.get("ok"), "10 records missing");
    assertEquals("1.00 2.00 3.00", parsed.get("loadAverageBefore"));
    Map<?, ?> settings = (Map<?, ?>) parsed.get("settings");
    assertEquals("e2e", settings.get("mode"));
    assertEquals(100, settings.get("rateRecordsPerSec"));
    List<?> phases = (List<?>) parsed.get("phases");
    Map<?, ?> produce = (Map<?, ?>) phases.get(0);
    assertEquals(1000.0, produce.get("recordsPerSec"));
    assertEquals(1.024, produce.get("mbPerSec"));
    Map<?, ?> latency = (Map<?, ?>) produce.get("latency");
    assertEquals("send-to-ack", latency.get("kind"));
    assertEquals(true, latency.get("coCorrected"));
    assertEquals(9.25, latency.get("p99Ms"));
    assertEquals(2.5, latency.get("p90Ms"));
    assertEquals(12.0, latency.get("p999Ms"));
    assertEquals(10, ((Map<?, ?>) phases.get(1)).get("missing"));
  }

  @Test
  void errors_make_the_run_fail_and_are_printed() {
    RunReport failed = report("x", List.of("3 of 10 sends failed; first: boom"));
    assertFalse(failed.ok());
    StringWriter out = new StringWriter();
    failed.print(new PrintWriter(out));
    assertTrue(out.toString().contains("error: 3 of 10 sends failed; first: boom"), out.toString());
    assertTrue(out.toString().contains("p50 1.500, p90 2.500, p99 9.250, p99.9 12.000, max 30.000"), out.toString());
    assertTrue(failed.toJson().contains("\"errors\":[\"3 of 10 sends failed; first: boom\"]"));
  }

  @Test
  void tsv_lines_append_under_one_header(@TempDir Path dir) throws IOException {
    Path tsv = dir.resolve("results.tsv");
    report("kafka\tflush", List.of()).appendTsv(tsv);
    report("runnel", List.of()).appendTsv(tsv);
    List<String> lines = Files.readAllLines(tsv);
    assertEquals(5, lines.size());
    assertEquals(RunReport.TSV_HEADER, lines.get(0));
    assertEquals(
        "w\trunnel\tkafka flush\tproduce\t2000\t0\t0\t1000.0\t1.024\t1.500\t2.500\t9.250\t12.000\t30.000\tsend-to-ack\t1.00 2.00 3.00",
        lines.get(1));
    assertEquals(RunReport.TSV_HEADER.split("\t").length, lines.get(4).split("\t").length);
  }

  @Test
  void throughput_of_an_empty_window_is_zero_not_infinite() {
    PhaseResult empty = new PhaseResult("produce", 0, 0, 0, 0, 0, "send-to-ack", false, new LatencyStats().summary());
    assertEquals(0, empty.recordsPerSec());
    assertEquals(0, empty.mbPerSec());
    assertEquals("null", Json.number(Double.NaN));
  }
}
