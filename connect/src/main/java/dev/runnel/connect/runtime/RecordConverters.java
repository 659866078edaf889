package dev.runnel.connect.runtime;

import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.plugins.PluginType;
import dev.runnel.connect.plugins.Plugins;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * A connector's key, value and header converters, and the two directions between Connect records
 * and Runnel records: a source record becomes a {@link ProducerRecord}; a {@link ConsumerRecord}
 * becomes a sink record. Headers are converted one by one with the header converter both ways.
 */
public final class RecordConverters {
  private final Converter key;
  private final Converter value;
  private final HeaderConverter header;

  public RecordConverters(Converter key, Converter value, HeaderConverter header) {
    this.key = key;
    this.value = value;
    this.header = header;
  }

  /**
   * The converters the connector names, else the worker's; a converter's own settings are the
   * properties under its prefix (e.g. {@code value.converter.schemas.enable}), connector first.
   */
  public static RecordConverters create(WorkerConfig worker, Map<String, String> connectorProps, Plugins plugins) {
    Converter key = converter(worker, connectorProps, plugins, ConnectorConfig.KEY_CONVERTER, true);
    Converter value = converter(worker, connectorProps, plugins, ConnectorConfig.VALUE_CONVERTER, false);
    String field = ConnectorConfig.HEADER_CONVERTER;
    PluginDesc desc = desc(worker, connectorProps, plugins, field, PluginType.HEADER_CONVERTER);
    HeaderConverter header = plugins.newInstance(desc, HeaderConverter.class);
    Map<String, Object> settings = new HashMap<>(settings(worker, connectorProps, field));
    settings.put("converter.type", "header");
    Plugins.withLoader(desc.loader(), () -> header.configure(settings));
    return new RecordConverters(key, value, header);
  }

  private static Converter converter(
      WorkerConfig worker, Map<String, String> connectorProps, Plugins plugins, String field, boolean isKey) {
    PluginDesc desc = desc(worker, connectorProps, plugins, field, PluginType.CONVERTER);
    Converter converter = plugins.newInstance(desc, Converter.class);
    Map<String, String> settings = settings(worker, connectorProps, field);
    try {
      Plugins.withLoader(desc.loader(), () -> converter.configure(settings, isKey));
    } catch (RuntimeException e) {
      throw new ConfigException(field, desc.className(), "cannot configure it: " + e.getMessage());
    }
    return converter;
  }

  private static PluginDesc desc(
      WorkerConfig worker, Map<String, String> connectorProps, Plugins plugins, String field, PluginType type) {
    String className = connectorProps.get(field);
    if (className == null || className.isBlank()) {
      className = worker.getString(field);
    }
    try {
      return plugins.find(className.trim(), type, type == PluginType.HEADER_CONVERTER ? PluginType.CONVERTER : type);
    } catch (RuntimeException e) {
      throw new ConfigException(field, className, e.getMessage());
    }
  }

  /** Converter settings: the worker's under the prefix, overridden by the connector's. */
  private static Map<String, String> settings(WorkerConfig worker, Map<String, String> connectorProps, String field) {
    String prefix = field + ".";
    Map<String, String> out = new HashMap<>(worker.withPrefix(prefix));
    boolean connectorOwnsConverter = connectorProps.containsKey(field);
    if (connectorOwnsConverter) {
      out.clear();
    }
    connectorProps.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  /** Serializes a (transformed) source record. */
  public ProducerRecord toProducerRecord(SourceRecord record) {
    String topic = record.topic();
    List<RecordHeader> headers = toRecordHeaders(topic, record.headers());
    byte[] keyBytes = key.fromConnectData(topic, record.keySchema(), record.key());
    byte[] valueBytes = value.fromConnectData(topic, record.valueSchema(), record.value());
    long timestampMs = record.timestamp() == null || record.timestamp() < 0 ? 0L : record.timestamp();
    return new ProducerRecord(topic, record.kafkaPartition(), keyBytes, valueBytes, headers, timestampMs);
  }

  public List<RecordHeader> toRecordHeaders(String topic, Headers headers) {
    List<RecordHeader> out = new ArrayList<>();
    for (Header h : headers) {
      out.add(new RecordHeader(h.key(), header.fromConnectHeader(topic, h.key(), h.schema(), h.value())));
    }
    return out;
  }

  /** Key, then value, then headers: the first that fails names the stage in the error. */
  public SinkRecord toSinkRecord(ConsumerRecord record) {
    String topic = record.topic();
    ConnectHeaders headers = new ConnectHeaders();
    for (RecordHeader h : record.headers()) {
      headers.add(h.key(), header.toConnectHeader(topic, h.key(), h.value()));
    }
    SchemaAndValue k = key.toConnectData(topic, record.key());
    SchemaAndValue v = value.toConnectData(topic, record.value());
    return new SinkRecord(
        topic, record.partition(), k.schema(), k.value(), v.schema(), v.value(), record.offset(),
        record.timestampMs(), TimestampType.CREATE_TIME, headers);
  }

  public Converter keyConverter() {
    return key;
  }

  public Converter valueConverter() {
    return value;
  }

  public HeaderConverter headerConverter() {
    return header;
  }

  public void close() {
    for (Object c : new Object[] {key, value, header}) {
      if (c instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // Shutting down; nothing to do about a converter that cannot close.
        }
      }
    }
  }
}
