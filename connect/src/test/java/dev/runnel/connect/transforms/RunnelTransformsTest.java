package dev.runnel.connect.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RunnelTransformsTest {
  static SourceRecord record(Schema schema, Object value) {
    return new SourceRecord(Map.of(), Map.of(), "t", null, null, schema, value);
  }

  @Test
  void maskRegex_masksPartOfAStructField() {
    ParseJson<SourceRecord> parse = new ParseJson.Value<>();
    MaskRegex<SourceRecord> mask = new MaskRegex.Value<>();
    mask.configure(Map.of("fields", "ip", "regex", "\\d+$", "replacement", "XXX"));
    SourceRecord parsed = parse.apply(record(Schema.STRING_SCHEMA, "{\"user\":\"ab123\",\"ip\":\"1.2.3.95\",\"n\":7}"));
    Struct masked = (Struct) mask.apply(parsed).value();
    assertEquals("1.2.3.XXX", masked.getString("ip"));
    assertEquals("ab123", masked.getString("user"));
    assertEquals(7L, masked.getInt64("n"));
  }

  @Test
  void maskRegex_onMapsAndWholeStrings_withGroups() {
    MaskRegex<SourceRecord> mask = new MaskRegex.Value<>();
    mask.configure(Map.of("fields", "card", "regex", "\\d{4}-\\d{4}-\\d{4}-(\\d{4})", "replacement", "****-$1"));
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("card", "4111-1111-1111-1234");
    value.put("n", 5);
    assertEquals(Map.of("card", "****-1234", "n", 5), mask.apply(record(null, value)).value());
    MaskRegex<SourceRecord> whole = new MaskRegex.Value<>();
    whole.configure(Map.of("regex", "secret", "replacement", "***"));
    assertEquals("a *** b", whole.apply(record(Schema.STRING_SCHEMA, "a secret b")).value());
  }

  @Test
  void maskRegex_rejectsABadRegexNamingTheField() {
    MaskRegex<SourceRecord> mask = new MaskRegex.Value<>();
    ConfigException e = assertThrows(ConfigException.class, () -> mask.configure(Map.of("regex", "(")));
    assertEquals(true, e.getMessage().contains("regex"));
  }

  @Test
  void parseJson_infersNestedSchemas_blankIsATombstone_badJsonIsADataError() {
    ParseJson<SourceRecord> parse = new ParseJson.Value<>();
    SourceRecord parsed = parse.apply(record(Schema.STRING_SCHEMA, "{\"a\":{\"b\":[1,2]},\"c\":true,\"d\":1.5,\"e\":null}"));
    Struct value = (Struct) parsed.value();
    assertEquals(java.util.List.of(1L, 2L), value.getStruct("a").getArray("b"));
    assertEquals(true, value.getBoolean("c"));
    assertEquals(1.5, value.getFloat64("d"));
    assertNull(value.get("e"));
    assertNull(parse.apply(record(Schema.STRING_SCHEMA, "  ")).value());
    assertThrows(DataException.class, () -> parse.apply(record(Schema.STRING_SCHEMA, "{nope")));
  }
}
