package dev.runnel.sql.server;

import dev.runnel.sql.PushQuery;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.engine.RowListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Carries one push query's rows from the query's thread to its HTTP response through a bounded
 * queue: when the client reads slowly the queue fills and the query thread waits (backpressure,
 * not memory growth). The response is a JSON array written as it grows, one element per line, as
 * ksqlDB's {@code /query} does: the header, the rows, then a final message. When the client goes
 * away the next write fails and the query is closed, which frees its consumer.
 */
final class PushStream implements RowListener {
  /** Idle responses get a newline this often: JSON allows it, and a write is how a gone client shows. */
  private static final long KEEPALIVE_MS = 1_000;
  private static final long OFFER_WAIT_MS = 100;

  private record End(String error) {}

  private final BlockingQueue<Object> queue;
  private volatile boolean closed;

  PushStream(int rowsBufferedMax) {
    this.queue = new ArrayBlockingQueue<>(rowsBufferedMax);
  }

  @Override
  public void onRow(Row row) {
    put(row);
  }

  @Override
  public void onEnd(String error) {
    put(new End(error));
  }

  private void put(Object item) {
    try {
      while (!closed) {
        if (queue.offer(item, OFFER_WAIT_MS, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Writes the response until the query ends or the client disconnects; closes the query either way.
   * Returns true when the client got the whole response.
   */
  boolean writeTo(PushQuery query, OutputStream out) {
    try {
      write(out, "[" + KsqlJson.queryHeader(query.id(), query.columns(), query.windowed()));
      while (true) {
        Object item = queue.poll(KEEPALIVE_MS, TimeUnit.MILLISECONDS);
        if (item == null) {
          write(out, "\n");
          continue;
        }
        StringBuilder batch = new StringBuilder();
        while (item != null) {
          if (item instanceof End end) {
            batch.append(",\n").append(end.error() == null
                ? KsqlJson.finalMessage("Limit Reached")
                : KsqlJson.MAPPER.createObjectNode().set("errorMessage", KsqlJson.error(KsqlJson.SERVER_ERROR, end.error())));
            batch.append("]\n");
            write(out, batch.toString());
            return true;
          }
          batch.append(",\n").append(KsqlJson.row((Row) item, query.columns(), query.windowed()));
          item = queue.poll();
        }
        write(out, batch.toString());
      }
    } catch (IOException e) {
      return false; // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      closed = true; // first: the query thread may wait in put(), and close() joins it
      query.close();
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
