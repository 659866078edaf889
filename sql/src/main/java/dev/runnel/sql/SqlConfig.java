package dev.runnel.sql;

import java.nio.file.Path;

/**
 * Settings of a SQL engine. {@code serviceId} names its internal topics and consumer groups, so
 * engines with the same service id share queries' work. Bounds are checked by {@link #validate}.
 */
public record SqlConfig(
    String bootstrap,
    Path stateDir,
    String serviceId,
    int pollTimeoutMs,
    int maxPollRecords,
    int producerLingerMs) {

  public static SqlConfig defaults(String bootstrap, Path stateDir) {
    return new SqlConfig(bootstrap, stateDir, "default", 100, 5_000, 5);
  }

  public SqlConfig withServiceId(String id) {
    return new SqlConfig(bootstrap, stateDir, id, pollTimeoutMs, maxPollRecords, producerLingerMs);
  }

  public SqlConfig withStateDir(Path dir) {
    return new SqlConfig(bootstrap, dir, serviceId, pollTimeoutMs, maxPollRecords, producerLingerMs);
  }

  public SqlConfig validate() {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("bootstrap must be host:port");
    }
    if (stateDir == null) {
      throw new IllegalArgumentException("stateDir must be set");
    }
    if (serviceId == null || !serviceId.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("serviceId must be 1..64 characters of [A-Za-z0-9_.-], got " + serviceId);
    }
    if (pollTimeoutMs < 1 || pollTimeoutMs > 10_000) {
      throw new IllegalArgumentException("pollTimeoutMs must be in 1..10000, got " + pollTimeoutMs);
    }
    if (maxPollRecords < 1 || maxPollRecords > 100_000) {
      throw new IllegalArgumentException("maxPollRecords must be in 1..100000, got " + maxPollRecords);
    }
    if (producerLingerMs < 0 || producerLingerMs > 1_000) {
      throw new IllegalArgumentException("producerLingerMs must be in 0..1000, got " + producerLingerMs);
    }
    return this;
  }

  /** Prefix of every internal topic and consumer group of this service. */
  public String internalPrefix() {
    return "_runnel-sql-" + serviceId + "-";
  }
}
