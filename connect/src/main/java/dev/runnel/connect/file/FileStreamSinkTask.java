package dev.runnel.connect.file;

import dev.runnel.connect.ConnectVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/** Appends each record's value as a line; {@code flush} forces the file to disk. */
public final class FileStreamSinkTask extends SinkTask {
  private final JsonConverter json = new JsonConverter();
  private Path file;
  private FileChannel channel;

  @Override
  public String version() {
    return ConnectVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    AbstractConfig config = new AbstractConfig(FileStreamSinkConnector.CONFIG, props);
    file = Path.of(config.getString(FileStreamSinkConnector.FILE));
    json.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new ConnectException("cannot open " + file + " for appending: " + e.getMessage(), e);
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    StringBuilder lines = new StringBuilder();
    for (SinkRecord record : records) {
      lines.append(render(record)).append('\n');
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new ConnectException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  private String render(SinkRecord record) {
    Object value = record.value();
    if (value == null || value instanceof String) {
      return String.valueOf(value);
    }
    if (value instanceof Struct || value instanceof Map || value instanceof Collection) {
      return new String(json.fromConnectData(record.topic(), record.valueSchema(), value), StandardCharsets.UTF_8);
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value.toString();
  }

  @Override
  public void flush(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new ConnectException("cannot sync " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void stop() {
    if (channel != null) {
      try {
        channel.force(false);
        channel.close();
      } catch (IOException e) {
        throw new ConnectException("cannot close " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
