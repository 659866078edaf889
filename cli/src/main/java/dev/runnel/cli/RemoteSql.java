package dev.runnel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.parser.SqlParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs statements against a SQL server: SET/UNSET stay in this session and go with every request
 * as {@code streamsProperties}; SELECT and PRINT stream from {@code /query} (rows printed as they
 * come, until LIMIT or Ctrl-C, which cancels the query and not the shell); the rest goes to
 * {@code /ksql}, listings printed as tables.
 */
final class RemoteSql implements SqlSession {
  private final SqlRestClient client;
  private final PrintWriter out;
  private final Map<String, String> properties = new LinkedHashMap<>();
  /** The response of the push query being streamed, so that Ctrl-C can close it. */
  private final AtomicReference<InputStream> streaming = new AtomicReference<>();
  /** Set by {@link #cancelStreaming}: the streamed response ended because the user asked. */
  private volatile boolean cancelled;

  RemoteSql(SqlRestClient client, PrintWriter out) {
    this.client = client;
    this.out = out;
  }

  /** Ctrl-C while a query streams: closes its response (the server then stops the query). */
  @Override
  public boolean cancelStreaming() {
    InputStream in = streaming.getAndSet(null);
    if (in == null) {
      return false;
    }
    cancelled = true;
    try {
      in.close();
    } catch (IOException e) {
      // closing is all we wanted
    }
    return true;
  }

  @Override
  public void run(String text) throws IOException, InterruptedException {
    for (SqlParser.Parsed p : SqlParser.parse(text)) {
      run(p);
    }
  }

  private void run(SqlParser.Parsed p) throws IOException, InterruptedException {
    Statement s = p.statement();
    if (s instanceof Statement.SetProperty set) {
      properties.put(set.name(), set.value());
      out.println("Property " + set.name() + " set to " + set.value() + " for this session");
    } else if (s instanceof Statement.UnsetProperty unset) {
      properties.remove(unset.name());
      out.println("Property " + unset.name() + " unset");
    } else if (s instanceof Statement.SelectStatement || s instanceof Statement.Print) {
      query(p.text());
    } else {
      for (JsonNode entity : client.ksql(p.text(), properties)) {
        printEntity(entity);
      }
    }
    out.flush();
  }

  private void printEntity(JsonNode e) {
    if (e.has("commandStatus")) {
      out.println(e.at("/commandStatus/message").asText());
    } else if (e.has("table")) {
      JsonNode t = e.get("table");
      List<String> header = new ArrayList<>();
      t.get("header").forEach(h -> header.add(h.asText()));
      TextTable table = new TextTable(header.toArray(String[]::new));
      for (JsonNode row : t.get("rows")) {
        List<String> cells = new ArrayList<>();
        row.forEach(c -> cells.add(c.asText()));
        table.row(cells.toArray());
      }
      table.print(out);
    } else {
      out.println(e.toPrettyString());
    }
  }

  private void query(String text) throws IOException, InterruptedException {
    cancelled = false;
    StreamedRowTable table = new StreamedRowTable(out);
    try {
      client.query(text, properties, streaming::set, element -> print(element, table));
    } catch (SqlRestClient.ServerError e) {
      throw e;
    } catch (IOException e) {
      if (!cancelled) {
        throw e;
      }
    } finally {
      streaming.set(null);
    }
    if (cancelled) {
      out.println("Query cancelled");
    }
    out.flush();
  }

  /** One element of /query's answer: the header, a row, or how the query ended. */
  private static void print(JsonNode element, StreamedRowTable table) {
    if (element.has("header")) {
      table.header(columnNames(element.at("/header/schema").asText()));
    } else if (element.has("row")) {
      List<String> cells = new ArrayList<>();
      element.at("/row/columns").forEach(c -> cells.add(c.isTextual() ? c.asText() : c.toString()));
      table.row(cells, element.at("/row/tombstone").asBoolean(false));
    } else if (element.has("finalMessage")) {
      table.message(element.get("finalMessage").asText());
    } else if (element.has("errorMessage")) {
      table.message("error: " + element.at("/errorMessage/message").asText());
    }
  }

  /** Names from ksqlDB's schema string: {@code `A` STRING, `B` STRUCT<...>}. */
  static List<String> columnNames(String schema) {
    List<String> names = new ArrayList<>();
    int at = 0;
    while ((at = schema.indexOf('`', at)) >= 0) {
      int end = schema.indexOf('`', at + 1);
      if (end < 0) {
        break;
      }
      names.add(schema.substring(at + 1, end));
      // Skip the type: up to the next top-level comma.
      int depth = 0;
      int i = end + 1;
      for (; i < schema.length(); i++) {
        char ch = schema.charAt(i);
        if (ch == '<' || ch == '(') {
          depth++;
        } else if (ch == '>' || ch == ')') {
          depth--;
        } else if (ch == ',' && depth == 0) {
          break;
        }
      }
      at = i;
    }
    return names;
  }
}
