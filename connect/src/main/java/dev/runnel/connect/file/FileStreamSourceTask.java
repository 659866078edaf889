package dev.runnel.connect.file;

import dev.runnel.connect.ConnectVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Follows one file. Only complete lines (ending in '\n') are sent; a partial last line waits for
 * its end. Reads at most {@code batch.size} lines per poll from a fixed-size buffer.
 */
public final class FileStreamSourceTask extends SourceTask {
  static final String POSITION = "position";
  static final String FILENAME = "filename";
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  /** A line longer than this fails the task instead of growing memory without bound. */
  private static final int LINE_BYTES_MAX = 1024 * 1024;

  private Path file;
  private String topic;
  private int batchSize;
  private long pollIntervalMs;
  private Map<String, String> sourcePartition;
  private long position;
  private FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private java.io.ByteArrayOutputStream partialLine = new java.io.ByteArrayOutputStream();
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public String version() {
    return ConnectVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    AbstractConfig config = new AbstractConfig(FileStreamSourceConnector.CONFIG, props);
    file = Path.of(config.getString(FileStreamSourceConnector.FILE));
    topic = config.getString(FileStreamSourceConnector.TOPIC);
    batchSize = config.getInt(FileStreamSourceConnector.BATCH_SIZE);
    pollIntervalMs = config.getLong(FileStreamSourceConnector.POLL_INTERVAL_MS);
    sourcePartition = Map.of(FILENAME, file.toString());
    Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition);
    position = offset == null ? 0L : ((Number) offset.get(POSITION)).longValue();
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    List<SourceRecord> records = readLines();
    if (records.isEmpty()) {
      // Nothing new: wait a little (or until stop) instead of spinning on the file.
      stopped.await(pollIntervalMs, TimeUnit.MILLISECONDS);
      return null;
    }
    return records;
  }

  private List<SourceRecord> readLines() {
    List<SourceRecord> out = new ArrayList<>();
    try {
      if (channel == null) {
        if (!Files.exists(file)) {
          return out;
        }
        channel = FileChannel.open(file, StandardOpenOption.READ);
        if (channel.size() < position) {
          throw new ConnectException("file " + file + " is shorter (" + channel.size()
              + " bytes) than the stored position " + position + "; was it truncated?");
        }
        channel.position(position);
      }
      long linePosition = position + partialLine.size();
      while (out.size() < batchSize) {
        buffer.clear();
        int read = channel.read(buffer);
        if (read <= 0) {
          break;
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          linePosition++;
          if (b != '\n') {
            partialLine.write(b);
            if (partialLine.size() > LINE_BYTES_MAX) {
              throw new ConnectException("a line of " + file + " is longer than " + LINE_BYTES_MAX + " bytes");
            }
            continue;
          }
          String line = partialLine.toString(StandardCharsets.UTF_8);
          if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
          }
          partialLine.reset();
          position = linePosition;
          out.add(new SourceRecord(sourcePartition, Map.of(POSITION, position), topic, null,
              null, null, Schema.STRING_SCHEMA, line, System.currentTimeMillis()));
          if (out.size() >= batchSize) {
            // Give back what was read past this line: the next poll re-reads it from position.
            channel.position(position);
            partialLine.reset();
            break;
          }
        }
      }
    } catch (NoSuchFileException e) {
      closeChannel();
    } catch (IOException e) {
      throw new ConnectException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void stop() {
    stopped.countDown();
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Reopened on the next poll.
      }
      channel = null;
    }
  }
}
