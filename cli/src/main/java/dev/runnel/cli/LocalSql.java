package dev.runnel.cli;

import dev.runnel.sql.PullQuery;
import dev.runnel.sql.PushQuery;
import dev.runnel.sql.SqlEngine;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.StatementResult;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.engine.RowListener;
import dev.runnel.sql.parser.SqlParser;
import dev.runnel.sql.types.Values;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs statements on the engine in this process: a SELECT without EMIT CHANGES is a pull query
 * (the table's current rows, printed at once); push queries and PRINT stream their rows (until
 * LIMIT, an error, or {@link #cancelStreaming}); the rest prints the engine's message or listing.
 */
final class LocalSql implements SqlSession {
  private final SqlEngine engine;
  private final PrintWriter out;
  /** The push query that streams, so that Ctrl-C (another thread) can stop it. */
  private final AtomicReference<Streaming> streaming = new AtomicReference<>();

  LocalSql(SqlEngine engine, PrintWriter out) {
    this.engine = engine;
    this.out = out;
  }

  @Override
  public void run(String text) throws InterruptedException {
    for (SqlParser.Parsed p : SqlParser.parse(text)) {
      run(p);
    }
  }

  /** Runs one parsed statement; a refused one throws {@link SqlException}. */
  void run(SqlParser.Parsed p) throws InterruptedException {
    Statement s = p.statement();
    if (s instanceof Statement.SelectStatement select && select.query().emit() == null) {
      pull(select);
      return;
    }
    if (s instanceof Statement.SelectStatement || s instanceof Statement.Print) {
      stream(p);
      return;
    }
    StatementResult result = engine.execute(p);
    if (result instanceof StatementResult.Success success) {
      out.println(success.message());
    } else if (result instanceof StatementResult.Listing listing) {
      TextTable table = new TextTable(listing.header().toArray(String[]::new));
      listing.rows().forEach(r -> table.row(r.toArray()));
      table.print(out);
    }
    out.flush();
  }

  @Override
  public boolean cancelStreaming() {
    Streaming s = streaming.getAndSet(null);
    if (s == null) {
      return false;
    }
    s.cancel();
    return true;
  }

  private void pull(Statement.SelectStatement select) {
    PullQuery.Result result = PullQuery.run(engine, select, PullQuery.RECORDS_READ_MAX_DEFAULT);
    StreamedRowTable table = new StreamedRowTable(out);
    table.header(columnNames(result.columns(), result.windowed()));
    for (Row row : result.rows()) {
      table.row(cells(row), false);
    }
  }

  private void stream(SqlParser.Parsed p) throws InterruptedException {
    Streaming s = new Streaming(new StreamedRowTable(out));
    try (PushQuery q = engine.stream(p, s)) {
      streaming.set(s);
      if (!q.columns().isEmpty()) {
        s.headerOnce(columnNames(q.columns(), q.windowed()));
      }
      s.ended.await();
    } finally {
      streaming.set(null);
    }
    // The query is closed here, so no row can print after these lines.
    if (s.cancelled) {
      s.table.message("Query cancelled");
    } else if (s.error.get() != null) {
      throw new SqlException(s.error.get());
    } else {
      s.table.message("Limit Reached");
    }
  }

  private static List<String> columnNames(List<Column> columns, boolean windowed) {
    List<String> names = new ArrayList<>(columns.stream().map(Column::name).toList());
    if (windowed) {
      names.add("WINDOWSTART");
      names.add("WINDOWEND");
    }
    return names;
  }

  /** A row's values as text, then its window's bounds when it has one. */
  private static List<String> cells(Row row) {
    List<String> cells = new ArrayList<>();
    row.values().forEach(v -> cells.add(String.valueOf(Values.toText(v))));
    if (row.windowStart() != null) {
      cells.add(String.valueOf(row.windowStart()));
      cells.add(String.valueOf(row.windowEnd()));
    }
    return cells;
  }

  /** One push query's rows going to the table; its thread calls onRow/onEnd, Ctrl-C calls cancel. */
  private static final class Streaming implements RowListener {
    final StreamedRowTable table;
    final CountDownLatch ended = new CountDownLatch(1);
    final AtomicReference<String> error = new AtomicReference<>();
    volatile boolean cancelled;

    Streaming(StreamedRowTable table) {
      this.table = table;
    }

    /** The header: from the query's columns, or from the first row when it comes first (PRINT has no columns). */
    void headerOnce(List<String> names) {
      synchronized (table) {
        if (!table.headerPrinted()) {
          table.header(names);
        }
      }
    }

    @Override
    public void onRow(Row row) {
      List<String> names = new ArrayList<>(row.columns());
      if (row.windowStart() != null) {
        names.add("WINDOWSTART");
        names.add("WINDOWEND");
      }
      synchronized (table) {
        headerOnce(names);
        table.row(cells(row), row.tombstone());
      }
    }

    @Override
    public void onEnd(String e) {
      error.set(e);
      ended.countDown();
    }

    void cancel() {
      cancelled = true;
      ended.countDown();
    }
  }
}
