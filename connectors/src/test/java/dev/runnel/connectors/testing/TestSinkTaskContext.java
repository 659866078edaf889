package dev.runnel.connectors.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * What a runtime gives a sink task, reduced to what these connectors use: the config and,
 * optionally, an errant-record reporter that collects what it is given.
 */
public final class TestSinkTaskContext implements SinkTaskContext {
  /** A record the task reported as bad, with the reason. */
  public record Reported(SinkRecord record, Throwable error) {}

  private final Map<String, String> configs;
  private final boolean withReporter;
  private final List<Reported> reported = new ArrayList<>();

  public TestSinkTaskContext(Map<String, String> configs, boolean withReporter) {
    this.configs = configs;
    this.withReporter = withReporter;
  }

  public List<Reported> reported() {
    return reported;
  }

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    if (!withReporter) {
      return null;
    }
    return (record, error) -> {
      reported.add(new Reported(record, error));
      Future<Void> done = CompletableFuture.completedFuture(null);
      return done;
    };
  }

  @Override
  public Map<String, String> configs() {
    return configs;
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {}

  @Override
  public void offset(TopicPartition tp, long offset) {}

  @Override
  public void timeout(long timeoutMs) {}

  @Override
  public Set<TopicPartition> assignment() {
    return Set.of();
  }

  @Override
  public void pause(TopicPartition... partitions) {}

  @Override
  public void resume(TopicPartition... partitions) {}

  @Override
  public void requestCommit() {}

  @Override
  public PluginMetrics pluginMetrics() {
    return null;
  }
}
