package dev.runnel.node.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes a dropwizard registry in the Prometheus text exposition format (version 0.0.4). Per-topic
 * metrics ("runnel.topic.X.Y.&lt;topic&gt;") become one family with a {@code topic} label; timers
 * become summaries in seconds with quantiles 0.5/0.99/0.999.
 */
public final class PrometheusText {
  private static final String TOPIC_PREFIX = "runnel.topic.";

  private PrometheusText() {}

  public static String render(MetricRegistry registry) {
    return render(registry, List.of());
  }

  /** The registry, then the labelled families. */
  public static String render(MetricRegistry registry, List<MetricFamily> families) {
    StringBuilder out = new StringBuilder(4096);
    for (Map.Entry<String, Gauge<?>> e : gauges(registry).entrySet()) {
      Object value = e.getValue().getValue();
      if (value instanceof Number n) {
        String name = sanitize(e.getKey());
        family(out, name, "gauge");
        sample(out, name, "", n.doubleValue());
      }
    }
    for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
      String[] nameAndLabel = splitTopic(e.getKey());
      String name = sanitize(nameAndLabel[0]) + "_total";
      family(out, name, "counter");
      sample(out, name, nameAndLabel[1], e.getValue().getCount());
    }
    for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
      String name = sanitize(e.getKey()) + "_total";
      family(out, name, "counter");
      sample(out, name, "", e.getValue().getCount());
    }
    for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
      String name = sanitize(e.getKey()) + "_seconds";
      Timer timer = e.getValue();
      Snapshot s = timer.getSnapshot();
      family(out, name, "summary");
      sample(out, name, "quantile=\"0.5\"", seconds(s.getMedian()));
      sample(out, name, "quantile=\"0.99\"", seconds(s.get99thPercentile()));
      sample(out, name, "quantile=\"0.999\"", seconds(s.get999thPercentile()));
      sample(out, name + "_count", "", timer.getCount());
      sample(out, name + "_sum", "", seconds(s.getMean() * timer.getCount()));
    }
    for (MetricFamily family : families) {
      out.append("# HELP ").append(family.name()).append(' ').append(family.help()).append('\n');
      family(out, family.name(), family.type());
      for (MetricFamily.Sample sample : family.samples()) {
        sample(out, family.name(), labels(sample.labels()), sample.value());
      }
    }
    return out.toString();
  }

  private static String labels(Map<String, String> labels) {
    StringBuilder out = new StringBuilder();
    labels.forEach(
        (name, value) -> {
          if (out.length() > 0) {
            out.append(',');
          }
          // Exposition format: backslash, double quote and newline are escaped in label values.
          String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
          out.append(name).append("=\"").append(escaped).append('"');
        });
    return out.toString();
  }

  @SuppressWarnings({"rawtypes", "unchecked"}) // dropwizard's registry API returns raw Gauges
  private static Map<String, Gauge<?>> gauges(MetricRegistry registry) {
    return (Map) registry.getGauges();
  }

  /** "runnel.topic.bytes.in.orders" → {"runnel.topic.bytes.in", "topic=\"orders\""}. */
  private static String[] splitTopic(String key) {
    if (!key.startsWith(TOPIC_PREFIX)) {
      return new String[] {key, ""};
    }
    // runnel.topic.<metric words: two>.<topic, may contain dots>
    String rest = key.substring(TOPIC_PREFIX.length());
    int first = rest.indexOf('.');
    int second = first < 0 ? -1 : rest.indexOf('.', first + 1);
    if (second < 0) {
      return new String[] {key, ""};
    }
    String topic = rest.substring(second + 1);
    return new String[] {
      TOPIC_PREFIX + rest.substring(0, second), "topic=\"" + topic.replace("\"", "\\\"") + "\""
    };
  }

  private static double seconds(double nanos) {
    return nanos / TimeUnit.SECONDS.toNanos(1);
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_:]", "_");
  }

  private static void family(StringBuilder out, String name, String type) {
    String header = "# TYPE " + name + " " + type + "\n";
    if (out.indexOf(header) < 0) {
      out.append(header);
    }
  }

  private static void sample(StringBuilder out, String name, String labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(value).append('\n');
  }
}
