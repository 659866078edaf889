package dev.runnel.sql.engine;

import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.format.RecordCodec;
import java.util.Arrays;
import java.util.List;

/** Where a query's rows go: a topic (persistent queries) or a listener (push queries). */
interface Sink {
  /** Returns false once the sink wants no more rows (push query LIMIT reached). */
  boolean accept(Object[] row, boolean tombstone, Long windowStart, Long windowEnd, long timestampMs);

  /** Writes rows to the sink source's topic, keys and values encoded in its formats. */
  final class TopicSink implements Sink {
    private final Producer producer;
    private final DataSource target;
    private final RecordCodec codec;
    private final int[] keyIndexes;
    private final int[] valueIndexes;

    TopicSink(Producer producer, DataSource target, QueryPlan plan) {
      this.producer = producer;
      this.target = target;
      this.codec = new RecordCodec(target);
      List<Column> out = plan.outputColumns();
      this.keyIndexes = target.keyColumns().stream().mapToInt(c -> indexOf(out, c.name())).toArray();
      this.valueIndexes = target.valueColumns().stream().mapToInt(c -> indexOf(out, c.name())).toArray();
    }

    private static int indexOf(List<Column> columns, String name) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(name)) {
          return i;
        }
      }
      throw new IllegalStateException("sink column " + name + " not produced by the query");
    }

    @Override
    public boolean accept(Object[] row, boolean tombstone, Long windowStart, Long windowEnd, long timestampMs) {
      Object[] keys = Arrays.stream(keyIndexes).mapToObj(i -> row[i]).toArray();
      byte[] key = codec.encodeKey(keys, windowStart, windowEnd);
      byte[] value = tombstone ? null : codec.encodeValue(Arrays.stream(valueIndexes).mapToObj(i -> row[i]).toArray());
      producer.send(new ProducerRecord(target.topic(), null, key, value, List.of(), Math.max(0, timestampMs)));
      return true;
    }
  }

  /** Hands rows to a listener until {@code limit} rows (null: no limit). */
  final class ListenerSink implements Sink {
    private final RowListener listener;
    private final List<String> columns;
    private final Integer limit;
    private int delivered;

    ListenerSink(RowListener listener, QueryPlan plan) {
      this.listener = listener;
      this.columns = plan.outputColumns().stream().map(Column::name).toList();
      this.limit = plan.limit();
    }

    @Override
    public boolean accept(Object[] row, boolean tombstone, Long windowStart, Long windowEnd, long timestampMs) {
      if (limit != null && delivered >= limit) {
        return false;
      }
      listener.onRow(new Row(columns, Arrays.asList(row.clone()), tombstone, windowStart, windowEnd, timestampMs));
      delivered++;
      return limit == null || delivered < limit;
    }
  }
}
