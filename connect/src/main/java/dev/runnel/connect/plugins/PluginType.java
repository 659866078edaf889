package dev.runnel.connect.plugins;

import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/** The kinds of plugin the runtime loads, with the API type each must implement. */
public enum PluginType {
  SOURCE("source", SourceConnector.class),
  SINK("sink", SinkConnector.class),
  CONVERTER("converter", Converter.class),
  HEADER_CONVERTER("header_converter", HeaderConverter.class),
  TRANSFORMATION("transformation", Transformation.class),
  PREDICATE("predicate", Predicate.class);

  private final String restName;
  private final Class<?> apiType;

  PluginType(String restName, Class<?> apiType) {
    this.restName = restName;
    this.apiType = apiType;
  }

  /** The name Kafka Connect's REST API uses ("source", "sink", ...). */
  public String restName() {
    return restName;
  }

  public Class<?> apiType() {
    return apiType;
  }

  /** The type of a concrete class, or null if it is no plugin. */
  public static PluginType of(Class<?> type) {
    for (PluginType candidate : values()) {
      if (candidate.apiType.isAssignableFrom(type)) {
        return candidate;
      }
    }
    return null;
  }
}
