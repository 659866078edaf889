package dev.runnel.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.MetricRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void labelledFamiliesKeepLabelOrderAndEscapeValues() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("group", "a\"b\\c");
    labels.put("partition", "0");
    String text =
        PrometheusText.render(
            new MetricRegistry(),
            List.of(new MetricFamily("runnel_group_lag", "gauge", "Lag.", List.of(new MetricFamily.Sample(labels, 7)))));
    assertEquals(
        "# HELP runnel_group_lag Lag.\n"
            + "# TYPE runnel_group_lag gauge\n"
            + "runnel_group_lag{group=\"a\\\"b\\\\c\",partition=\"0\"} 7.0\n",
        text);
  }
}
