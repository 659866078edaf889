package dev.runnel.raft;

import org.apache.ratis.metrics.MetricRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, once per JVM, whether Ratis' metrics go to JMX.
 *
 * <p>Ratis 3.3.0 registers a JMX reporter on its JVM-wide metric registries when the first
 * registry is created and no reporter has been registered ({@code MetricRegistriesImpl.create}).
 * Every Raft group then adds a few dozen MBeans when it starts, and every leader adds and removes
 * its own set at each change of leadership. All of them go through the platform MBean server's one
 * repository lock, and Ratis does it while holding the group's lock: with 1,000 groups per node
 * being created, jstack showed the group-management thread and leaders stepping down all waiting
 * for that lock, heartbeats timing out behind them, and elections following (docs/benchmarks.md,
 * 2026-11-28 "1,000 partitions"). Runnel exports its own metrics on /metrics, so by default Ratis
 * gets a reporter that does nothing, which keeps its JMX reporter from being installed.
 */
final class RatisMetricsReporting {
  private static final Logger LOG = LoggerFactory.getLogger(RatisMetricsReporting.class);
  /** The choice of the first server started in this JVM; the registries are JVM-wide. */
  private static Boolean jmxChosen;

  private RatisMetricsReporting() {}

  /** Must run before the first Ratis server of the JVM starts; later calls keep the first choice. */
  static synchronized void configure(boolean jmx) {
    if (jmxChosen != null) {
      if (jmxChosen != jmx) {
        LOG.warn(
            "raft.metrics.jmx={} ignored: another Raft server in this JVM chose {} first", jmx, jmxChosen);
      }
      return;
    }
    jmxChosen = jmx;
    if (jmx) {
      MetricRegistries.global().enableJmxReporter();
    } else {
      MetricRegistries.global().addReporterRegistration(registry -> {}, registry -> {});
    }
  }
}
