package dev.runnel.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.ProduceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * ghz is not on the build machines, so this checks what it would send: each config's call is a
 * Runnel method and its request data parses (as ghz's protojson would) into that method's request.
 */
class GhzConfigTest {
  @Test
  void produce_config_sends_a_valid_batch() throws IOException {
    ProduceRequest.Builder request = ProduceRequest.newBuilder();
    String call = parse("produce.json", request);
    assertEquals(BrokerGrpc.getProduceMethod().getFullMethodName(), callToMethod(call));
    assertEquals("ghz-bench", request.getTopic());
    assertEquals(Acks.ACKS_QUORUM, request.getAcks());
    assertEquals(10, request.getBatch().getRecordCount());
    assertEquals(10, request.getBatch().getRecords().getRecordsCount());
    assertEquals(1024, request.getBatch().getRecords().getRecords(0).getValue().size());
    assertTrue(request.hasPartition());
  }

  @Test
  void fetch_config_reads_from_the_start() throws IOException {
    FetchRequest.Builder request = FetchRequest.newBuilder();
    String call = parse("fetch.json", request);
    assertEquals(BrokerGrpc.getFetchMethod().getFullMethodName(), callToMethod(call));
    assertEquals(0, request.getOffset());
    assertEquals(1 << 20, request.getMaxBytes());
  }

  /** ghz accepts "pkg.Service.Method"; gRPC names it "pkg.Service/Method". */
  private static String callToMethod(String call) {
    int lastDot = call.lastIndexOf('.');
    return call.substring(0, lastDot) + "/" + call.substring(lastDot + 1);
  }

  /** Merges the config's data into {@code request} with ghz's template rendered for request 0. */
  private static String parse(String file, Message.Builder request) throws IOException {
    String text = Files.readString(Path.of("ghz", file)).replace("{{mod .RequestNumber 6}}", "0");
    // JSON is YAML: the YAML parser reads the config's plain keys.
    Map<?, ?> config = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    assertEquals("127.0.0.1:9400", config.get("host"));
    assertTrue(config.containsKey("duration"), file + " is bounded in time");
    JsonFormat.parser().merge(objectText(text, "\"data\":"), request);
    return (String) config.get("call");
  }

  /** The JSON object text that follows {@code key} (these files hold no braces inside strings). */
  private static String objectText(String json, String key) {
    int start = json.indexOf('{', json.indexOf(key));
    int depth = 0;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (depth == 0) {
        return json.substring(start, i + 1);
      }
    }
    throw new AssertionError("unbalanced braces after " + key);
  }
}
