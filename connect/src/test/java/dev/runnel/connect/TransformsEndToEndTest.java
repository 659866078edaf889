package dev.runnel.connect;

import static dev.runnel.connect.ConnectTestSupport.append;
import static dev.runnel.connect.ConnectTestSupport.lines;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.loadtest.WithLocalNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * File source → topic → file sink through a real node, with the standard SMTs and Runnel's own
 * (ParseJson, MaskRegex) configured in properties, as a user would.
 */
class TransformsEndToEndTest extends WithLocalNode {
  @Test
  void theSeedExample_dropsGenderAndMasksTheLastOctetOfTheIp() {
    Path in = dir.resolve("people.txt");
    Path out = dir.resolve("people-out.txt");
    append(in, "{\"user\":\"ab123\",\"gender\":\"female\",\"ip\":\"1.2.3.95\"}",
        "{\"user\":\"cd456\",\"gender\":\"male\",\"ip\":\"10.20.30.40\"}");
    Map<String, String> source = ConnectTestSupport.props(
        "name", "people-source",
        "connector.class", "FileStreamSource",
        "file", in.toString(),
        "topic", "people",
        "transforms", "parse,dropGender,maskIp",
        "transforms.parse.type", "dev.runnel.connect.transforms.ParseJson$Value",
        "transforms.dropGender.type", "org.apache.kafka.connect.transforms.ReplaceField$Value",
        "transforms.dropGender.exclude", "gender",
        "transforms.maskIp.type", "dev.runnel.connect.transforms.MaskRegex$Value",
        "transforms.maskIp.fields", "ip",
        "transforms.maskIp.regex", "\\d+$",
        "transforms.maskIp.replacement", "XXX");
    Map<String, String> sink = ConnectTestSupport.props(
        "name", "people-sink",
        "connector.class", "FileStreamSink",
        "topics", "people",
        "file", out.toString());
    try (ConnectStandalone worker = ConnectStandalone.start(ConnectTestSupport.workerProps(node, dir.resolve("w1")), List.of(source, sink))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() >= 2);
      assertEquals(List.of("{\"user\":\"ab123\",\"ip\":\"1.2.3.XXX\"}", "{\"user\":\"cd456\",\"ip\":\"10.20.30.XXX\"}"), lines(out));
      // The file keeps being followed.
      append(in, "{\"user\":\"ef789\",\"gender\":\"female\",\"ip\":\"192.168.0.1\"}");
      await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() >= 3);
      assertEquals("{\"user\":\"ef789\",\"ip\":\"192.168.0.XXX\"}", lines(out).get(2));
    }
  }

  @Test
  void maskFieldInsertFieldReplaceFieldAndAFilterWithAPredicate_onTheSinkSide() {
    Path in = dir.resolve("cards.txt");
    Path out = dir.resolve("cards-out.txt");
    append(in, "{\"user\":\"ab123\",\"card\":\"4111-1111-1111-1111\",\"amount\":12}", "",
        "{\"user\":\"cd456\",\"card\":\"5500-0000-0000-0004\",\"amount\":99.5}");
    Map<String, String> source = ConnectTestSupport.props(
        "name", "cards-source",
        "connector.class", "dev.runnel.connect.file.FileStreamSourceConnector",
        "file", in.toString(),
        "topic", "cards",
        "transforms", "parse",
        "transforms.parse.type", "dev.runnel.connect.transforms.ParseJson$Value");
    Map<String, String> sink = new java.util.HashMap<>(ConnectTestSupport.props(
        "name", "cards-sink",
        "connector.class", "FileStreamSinkConnector",
        "topics", "cards",
        "file", out.toString(),
        "predicates", "isTombstone",
        "predicates.isTombstone.type", "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        "transforms", "dropEmpty,mask,insert,rename",
        "transforms.dropEmpty.type", "org.apache.kafka.connect.transforms.Filter",
        "transforms.dropEmpty.predicate", "isTombstone"));
    sink.putAll(ConnectTestSupport.props(
        "transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value",
        "transforms.mask.fields", "card",
        "transforms.mask.replacement", "****",
        "transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.insert.static.field", "source",
        "transforms.insert.static.value", "runnel",
        "transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value",
        "transforms.rename.renames", "user:customer"));
    try (ConnectStandalone worker = ConnectStandalone.start(ConnectTestSupport.workerProps(node, dir.resolve("w2")), List.of(source, sink))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() >= 2);
      assertEquals(List.of(
          "{\"customer\":\"ab123\",\"card\":\"****\",\"amount\":12,\"source\":\"runnel\"}",
          "{\"customer\":\"cd456\",\"card\":\"****\",\"amount\":99.5,\"source\":\"runnel\"}"), lines(out));
    }
  }
}
