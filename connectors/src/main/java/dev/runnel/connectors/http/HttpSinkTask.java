package dev.runnel.connectors.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.runnel.connectors.ConnectorVersion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Buffers record values and POSTs them as JSON arrays of at most batch.max.size: a full batch
 * goes out inside put(), the rest in flush(), which the runtime calls before it commits offsets
 * (at-least-once: a batch retried after a lost answer may arrive twice).
 */
public class HttpSinkTask extends SinkTask {
  private final ObjectMapper json = new ObjectMapper();
  private HttpSinkConfig config;
  private HttpBatchSender sender;
  private ErrantRecordReporter errantRecords;
  /** At most batch.max.size values: it is sent as soon as it is full. */
  private final List<SinkRecord> buffer = new ArrayList<>();

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new HttpSinkConfig(props);
    sender = new HttpBatchSender(config.url(), config.headers(), config.retryPolicy(),
        config.connectTimeoutMs(), config.requestTimeoutMs());
    try {
      errantRecords = context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      errantRecords = null;
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    for (SinkRecord record : records) {
      buffer.add(record);
      if (buffer.size() >= config.batchMaxSize()) {
        sendBuffer();
      }
    }
  }

  @Override
  public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    if (!buffer.isEmpty()) {
      sendBuffer();
    }
  }

  private void sendBuffer() {
    ArrayNode array = json.createArrayNode();
    for (SinkRecord record : buffer) {
      try {
        array.add(JsonValues.toJson(record.valueSchema(), record.value()));
      } catch (DataException e) {
        if (errantRecords == null) {
          throw new DataException("record " + record.topic() + "-" + record.kafkaPartition() + "@"
              + record.kafkaOffset() + ": " + e.getMessage(), e);
        }
        errantRecords.report(record, e);
      }
    }
    int count = buffer.size();
    if (!array.isEmpty()) {
      try {
        sender.send(json.writeValueAsBytes(array), array.size());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a JSON tree failed to serialize", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectException("interrupted while sending " + count + " records", e);
      }
    }
    buffer.clear();
  }

  @Override
  public void stop() {
    // Unsent records were never flushed, so their offsets were never committed: they come again.
    buffer.clear();
  }
}
