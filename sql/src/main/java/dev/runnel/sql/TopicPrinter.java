package dev.runnel.sql;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.TopicPartition;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.engine.RowListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** PRINT topic: every record as ROWTIME, PARTITION, OFFSET, KEY, VALUE (bytes shown as UTF-8 text). */
final class TopicPrinter implements Runnable {
  static final List<String> COLUMNS = List.of("ROWTIME", "PARTITION", "OFFSET", "KEY", "VALUE");
  private final String bootstrap;
  private final String topic;
  private final boolean fromBeginning;
  private final Integer limit;
  private final RowListener listener;
  private volatile boolean stopping;

  TopicPrinter(String bootstrap, String topic, boolean fromBeginning, Integer limit, RowListener listener) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.fromBeginning = fromBeginning;
    this.limit = limit;
    this.listener = listener;
  }

  void stop() {
    stopping = true;
  }

  /** Fails fast (before a thread starts) when the topic does not exist. */
  static int partitions(String bootstrap, String topic) {
    try (Admin admin = Admin.builder().bootstrap(bootstrap).build()) {
      return admin.describeTopic(topic).getPartitionsCount();
    } catch (dev.runnel.sdk.RunnelException e) {
      throw new SqlException("Cannot PRINT topic '" + topic + "': " + e.getMessage());
    }
  }

  @Override
  public void run() {
    String error = null;
    try (Consumer c = Consumer.builder().bootstrap(bootstrap).fetchMaxWaitMs(100).build()) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions(bootstrap, topic); p++) {
        tps.add(new TopicPartition(topic, p));
      }
      c.assign(tps);
      if (fromBeginning) {
        c.seekToBeginning(tps);
      } else {
        c.seekToEnd(tps);
      }
      int printed = 0;
      while (!stopping && (limit == null || printed < limit)) {
        for (ConsumerRecord r : c.poll(Duration.ofMillis(100))) {
          listener.onRow(new Row(COLUMNS, Arrays.asList(r.timestampMs(), r.partition(), r.offset(), text(r.key()), text(r.value())),
              false, null, null, r.timestampMs()));
          if (limit != null && ++printed >= limit) {
            break;
          }
        }
      }
    } catch (RuntimeException e) {
      error = e.getMessage();
    }
    listener.onEnd(error);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
