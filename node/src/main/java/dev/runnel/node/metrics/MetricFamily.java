package dev.runnel.node.metrics;

import java.util.List;
import java.util.Map;

/**
 * A Prometheus metric family with labelled samples, for what dropwizard's flat names cannot say
 * (e.g. lag per group and partition). Built on demand at each scrape.
 *
 * @param name the Prometheus name, e.g. {@code runnel_group_lag}
 * @param type {@code gauge} or {@code counter}
 */
public record MetricFamily(String name, String type, String help, List<Sample> samples) {
  /** One sample; labels in the order given. */
  public record Sample(Map<String, String> labels, double value) {}
}
