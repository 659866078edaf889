package dev.runnel.connect.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.connect.plugins.Plugins;
import dev.runnel.connect.runtime.TransformationChain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every standard SMT (and predicate) the Connect issue lists, configured with connector
 * properties exactly as a user writes them and run through the runtime's TransformationChain on
 * a small record. (TransformsEndToEndTest runs several of them through a real node as well.)
 */
class StandardTransformsTest {
  private static final String T = "org.apache.kafka.connect.transforms.";
  private static final String P = T + "predicates.";
  /** 2023-11-14T22:13:20Z. */
  private static final long TS_MS = 1_700_000_000_000L;

  static Plugins plugins;

  @BeforeAll
  static void loadPlugins() {
    plugins = new Plugins(List.of());
  }

  @AfterAll
  static void closePlugins() {
    plugins.close();
  }

  static Stream<Arguments> cases() {
    String base = "topic=orders key=k1 value={card=visa-4111, id=7, name=ann, nested={a=1, b=x}, ts=1700000000000} headers=[h1:v1]";
    return Stream.of(
        Arguments.of("MaskField", "record", List.of(
            "transforms", "m", "transforms.m.type", T + "MaskField$Value",
            "transforms.m.fields", "card", "transforms.m.replacement", "****"),
            base.replace("card=visa-4111", "card=****")),
        Arguments.of("InsertField", "record", List.of(
            "transforms", "i", "transforms.i.type", T + "InsertField$Value",
            "transforms.i.static.field", "src", "transforms.i.static.value", "runnel",
            "transforms.i.topic.field", "from"),
            base.replace("ts=1700000000000}", "src=runnel, ts=1700000000000}")
                .replace("card=visa-4111, ", "card=visa-4111, from=orders, ")),
        Arguments.of("ReplaceField include", "record", List.of(
            "transforms", "r", "transforms.r.type", T + "ReplaceField$Value", "transforms.r.include", "id,name"),
            "topic=orders key=k1 value={id=7, name=ann} headers=[h1:v1]"),
        Arguments.of("ReplaceField exclude", "record", List.of(
            "transforms", "r", "transforms.r.type", T + "ReplaceField$Value", "transforms.r.exclude", "card,nested"),
            "topic=orders key=k1 value={id=7, name=ann, ts=1700000000000} headers=[h1:v1]"),
        Arguments.of("ReplaceField renames", "record", List.of(
            "transforms", "r", "transforms.r.type", T + "ReplaceField$Value", "transforms.r.renames", "name:customer"),
            base.replace("name=ann", "customer=ann").replace("card=visa-4111, id=7, customer=ann", "card=visa-4111, customer=ann, id=7")),
        Arguments.of("Cast", "record", List.of(
            "transforms", "c", "transforms.c.type", T + "Cast$Value", "transforms.c.spec", "id:string"),
            base.replace("id=7", "id='7'")),
        Arguments.of("RegexRouter", "record", List.of(
            "transforms", "r", "transforms.r.type", T + "RegexRouter",
            "transforms.r.regex", "(.*)s", "transforms.r.replacement", "$1-archive"),
            base.replace("topic=orders", "topic=order-archive")),
        Arguments.of("TimestampRouter", "record", List.of(
            "transforms", "r", "transforms.r.type", T + "TimestampRouter",
            "transforms.r.topic.format", "${topic}-${timestamp}", "transforms.r.timestamp.format", "yyyyMMdd"),
            base.replace("topic=orders", "topic=orders-20231114")),
        Arguments.of("Filter + TopicNameMatches", "record", List.of(
            "predicates", "p", "predicates.p.type", P + "TopicNameMatches", "predicates.p.pattern", "ord.*",
            "transforms", "f", "transforms.f.type", T + "Filter", "transforms.f.predicate", "p"),
            "dropped"),
        Arguments.of("Filter + TopicNameMatches negated", "record", List.of(
            "predicates", "p", "predicates.p.pattern", "ord.*", "predicates.p.type", P + "TopicNameMatches",
            "transforms", "f", "transforms.f.type", T + "Filter", "transforms.f.predicate", "p", "transforms.f.negate", "true"),
            base),
        Arguments.of("Filter + HasHeaderKey", "record", List.of(
            "predicates", "p", "predicates.p.type", P + "HasHeaderKey", "predicates.p.name", "h1",
            "transforms", "f", "transforms.f.type", T + "Filter", "transforms.f.predicate", "p"),
            "dropped"),
        Arguments.of("Filter + HasHeaderKey (absent key)", "record", List.of(
            "predicates", "p", "predicates.p.type", P + "HasHeaderKey", "predicates.p.name", "nope",
            "transforms", "f", "transforms.f.type", T + "Filter", "transforms.f.predicate", "p"),
            base),
        Arguments.of("Filter + RecordIsTombstone", "tombstone", List.of(
            "predicates", "p", "predicates.p.type", P + "RecordIsTombstone",
            "transforms", "f", "transforms.f.type", T + "Filter", "transforms.f.predicate", "p"),
            "dropped"),
        Arguments.of("Filter + RecordIsTombstone negated drops the others", "record", List.of(
            "predicates", "p", "predicates.p.type", P + "RecordIsTombstone",
            "transforms", "f", "transforms.f.type", T + "Filter", "transforms.f.predicate", "p", "transforms.f.negate", "true"),
            "dropped"),
        Arguments.of("ValueToKey", "record", List.of(
            "transforms", "v", "transforms.v.type", T + "ValueToKey", "transforms.v.fields", "id"),
            base.replace("key=k1", "key={id=7}")),
        Arguments.of("ExtractField", "record", List.of(
            "transforms", "e", "transforms.e.type", T + "ExtractField$Value", "transforms.e.field", "name"),
            "topic=orders key=k1 value=ann headers=[h1:v1]"),
        Arguments.of("HoistField", "record", List.of(
            "transforms", "h", "transforms.h.type", T + "HoistField$Value", "transforms.h.field", "order"),
            base.replace("value={card=visa-4111, id=7, name=ann, nested={a=1, b=x}, ts=1700000000000}",
                "value={order={card=visa-4111, id=7, name=ann, nested={a=1, b=x}, ts=1700000000000}}")),
        Arguments.of("Flatten", "record", List.of(
            "transforms", "f", "transforms.f.type", T + "Flatten$Value", "transforms.f.delimiter", "_"),
            base.replace("nested={a=1, b=x}", "nested_a=1, nested_b=x")),
        Arguments.of("TimestampConverter", "record", List.of(
            "transforms", "t", "transforms.t.type", T + "TimestampConverter$Value", "transforms.t.field", "ts",
            "transforms.t.target.type", "string", "transforms.t.format", "yyyy-MM-dd"),
            base.replace("ts=1700000000000", "ts='2023-11-14'")),
        Arguments.of("InsertHeader", "record", List.of(
            "transforms", "i", "transforms.i.type", T + "InsertHeader",
            "transforms.i.header", "source", "transforms.i.value.literal", "runnel"),
            base.replace("[h1:v1]", "[h1:v1, source:runnel]")),
        Arguments.of("DropHeaders", "record", List.of(
            "transforms", "d", "transforms.d.type", T + "DropHeaders", "transforms.d.headers", "h1"),
            base.replace("[h1:v1]", "[]")),
        Arguments.of("HeaderFrom", "record", List.of(
            "transforms", "h", "transforms.h.type", T + "HeaderFrom$Value", "transforms.h.fields", "name",
            "transforms.h.headers", "who", "transforms.h.operation", "move"),
            base.replace("name=ann, ", "").replace("[h1:v1]", "[h1:v1, who:ann]")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theTransformWorksFromConnectorProperties(String name, String input, List<String> transformProps, String expected) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("name", "smt-test");
    props.put("connector.class", "FileStreamSink");
    props.put("topics", "orders");
    for (int i = 0; i < transformProps.size(); i += 2) {
      props.put(transformProps.get(i), transformProps.get(i + 1));
    }
    try (TransformationChain<SinkRecord> chain = TransformationChain.build(props, plugins)) {
      SinkRecord out = chain.apply(input.equals("tombstone") ? tombstone() : record());
      assertEquals(expected, render(out), name);
    }
  }

  private static SinkRecord record() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("a", 1);
    nested.put("b", "x");
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("id", 7);
    value.put("name", "ann");
    value.put("card", "visa-4111");
    value.put("ts", TS_MS);
    value.put("nested", nested);
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("h1", "v1");
    return new SinkRecord("orders", 0, null, "k1", null, value, 42, TS_MS, TimestampType.CREATE_TIME, headers);
  }

  private static SinkRecord tombstone() {
    return new SinkRecord("orders", 0, null, "k1", null, null, 43, TS_MS, TimestampType.CREATE_TIME);
  }

  /** topic, key, value (maps sorted by key, strings made from numbers quoted) and headers. */
  private static String render(SinkRecord record) {
    if (record == null) {
      return "dropped";
    }
    List<String> headers = new ArrayList<>();
    for (Header h : record.headers()) {
      headers.add(h.key() + ":" + h.value());
    }
    return "topic=" + record.topic() + " key=" + render(record.key()) + " value=" + render(record.value())
        + " headers=" + headers;
  }

  private static String render(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, String> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), render(v)));
      return sorted.toString();
    }
    if (value instanceof String s && !s.isEmpty() && Character.isDigit(s.charAt(0))) {
      return "'" + s + "'";
    }
    return String.valueOf(value);
  }
}
