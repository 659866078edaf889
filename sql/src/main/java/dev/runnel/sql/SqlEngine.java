package dev.runnel.sql;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sql.analyzer.QueryPlan;
import dev.runnel.sql.analyzer.QueryPlanner;
import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.catalog.Catalog;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.engine.QueryRuntime;
import dev.runnel.sql.engine.Row;
import dev.runnel.sql.engine.RowListener;
import dev.runnel.sql.expr.Compiled;
import dev.runnel.sql.expr.ExprCompiler;
import dev.runnel.sql.format.RecordCodec;
import dev.runnel.sql.parser.SqlParser;
import dev.runnel.sql.types.SqlType;
import dev.runnel.sql.types.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: runs KSQL statements against a Runnel cluster. {@link #execute} runs DDL,
 * persistent queries, INSERT, SHOW, DESCRIBE, TERMINATE, SET; {@link #stream} runs a push query
 * (a bare SELECT) or a PRINT and hands rows to a listener.
 *
 * <p>Statements are executed one at a time (the methods are synchronized); persistent queries run
 * on their own threads. Query ids are derived from the statement order (CSAS_NAME_0, ...), so an
 * engine that re-runs the same statements after a restart resumes the same queries: same
 * consumer groups, same changelog topics.
 */
public final class SqlEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqlEngine.class);
  private final SqlConfig config;
  private final Catalog catalog = new Catalog();
  private final QueryPlanner planner = new QueryPlanner(catalog);
  private final Properties properties = new Properties();
  private final Map<String, QueryRuntime> queries = new LinkedHashMap<>();
  /** While a SQL server replays its command topic: persistent queries created but not started yet. */
  private List<QueryRuntime> deferredStarts;
  private final Admin admin;
  private Producer producer;
  private int querySequence;

  public SqlEngine(SqlConfig config) {
    this.config = config.validate();
    this.admin = Admin.builder().bootstrap(config.bootstrap()).build();
  }

  public SqlConfig config() {
    return config;
  }

  /**
   * Runs every statement of {@code sql} in order and returns one result each. The first failing
   * statement throws {@link SqlException} (statements before it stay applied).
   */
  public synchronized List<StatementResult> execute(String sql) {
    List<StatementResult> out = new ArrayList<>();
    for (SqlParser.Parsed p : SqlParser.parse(sql)) {
      out.add(execute(p));
    }
    return out;
  }

  public synchronized StatementResult execute(SqlParser.Parsed parsed) {
    return execute(parsed, Map.of());
  }

  /**
   * Runs one statement with {@code overrides} (e.g. {@code auto.offset.reset}) in effect for it
   * only; the engine's own properties are restored afterwards.
   */
  public synchronized StatementResult execute(SqlParser.Parsed parsed, Map<String, String> overrides) {
    return properties.with(overrides, () -> executeNow(parsed));
  }

  /**
   * Runs a statement read from a SQL server's command topic at {@code commandOffset}: a query it
   * starts is named after that offset (CSAS_NAME_12), so every server that applies the same
   * command log names its queries alike, whatever else it ran before.
   */
  public synchronized StatementResult executeCommand(SqlParser.Parsed parsed, Map<String, String> overrides,
      long commandOffset) {
    if (commandOffset < 0 || commandOffset > Integer.MAX_VALUE) {
      throw new IllegalStateException("command offset out of range: " + commandOffset);
    }
    querySequence = (int) commandOffset;
    return execute(parsed, overrides);
  }

  /**
   * True for the statements that change what a service runs (sources, persistent queries, DROP,
   * TERMINATE): a SQL server records these in its command topic so every server runs them.
   */
  public static boolean changesQueries(Statement s) {
    return s instanceof Statement.CreateSource || s instanceof Statement.CreateAsSelect
        || s instanceof Statement.InsertInto || s instanceof Statement.DropSource || s instanceof Statement.Terminate;
  }

  /**
   * Checks, without side effects, what can be checked of a statement before it is recorded:
   * names exist (or not), the query plans. Throws {@link SqlException} like execute would.
   */
  public synchronized void validate(SqlParser.Parsed parsed) {
    Statement s = parsed.statement();
    if (s instanceof Statement.CreateSource c) {
      if (catalog.get(c.name()) != null && !c.orReplace() && !c.ifNotExists()) {
        throw error(c, "A stream or table named " + c.name() + " already exists");
      }
    } else if (s instanceof Statement.CreateAsSelect c) {
      if (catalog.get(c.name()) != null && !c.ifNotExists()) {
        throw error(c, "A stream or table named " + c.name() + " already exists");
      }
      planner.plan(c.query(), true);
    } else if (s instanceof Statement.InsertInto i) {
      requireSource(i.target(), i);
      planner.plan(i.query(), true);
    } else if (s instanceof Statement.DropSource d) {
      if (catalog.get(d.name()) == null && !d.ifExists()) {
        throw error(d, "Unknown stream or table '" + d.name() + "'");
      }
    } else if (s instanceof Statement.Terminate t) {
      if (t.queryId() != null && !queries.containsKey(t.queryId())) {
        throw error(t, "Unknown query id '" + t.queryId() + "' (SHOW QUERIES lists them)");
      }
    }
  }

  private StatementResult executeNow(SqlParser.Parsed parsed) {
    Statement s = parsed.statement();
    String text = parsed.text();
    try {
      return dispatch(s, text);
    } catch (RunnelException e) {
      if (e.retriable()) {
        throw new ClusterUnavailableException("The cluster is not ready: " + e.getMessage(), s.pos().line(), s.pos().column());
      }
      throw new SqlException("The cluster refused: " + e.getMessage(), s.pos().line(), s.pos().column());
    }
  }

  private StatementResult dispatch(Statement s, String text) {
    if (s instanceof Statement.CreateSource c) {
      return createSource(c, text);
    }
    if (s instanceof Statement.CreateAsSelect c) {
      return createAsSelect(c, text);
    }
    if (s instanceof Statement.InsertInto i) {
      return insertInto(i, text);
    }
    if (s instanceof Statement.InsertValues v) {
      return insertValues(v, text);
    }
    if (s instanceof Statement.DropSource d) {
      return drop(d, text);
    }
    if (s instanceof Statement.Show show) {
      return switch (show.what()) {
        case STREAMS -> Listings.sources(text, catalog, false);
        case TABLES -> Listings.sources(text, catalog, true);
        case QUERIES -> Listings.queries(text, queries.values(), show.extended());
        case TOPICS -> Listings.topics(text, admin);
        case PROPERTIES -> Listings.properties(text, properties.all());
      };
    }
    if (s instanceof Statement.Describe d) {
      DataSource source = requireSource(d.name(), d);
      return Listings.describe(text, source, queries.values(), d.extended());
    }
    if (s instanceof Statement.Terminate t) {
      return terminate(t, text);
    }
    if (s instanceof Statement.SetProperty p) {
      properties.set(p.name(), p.value());
      return new StatementResult.Success(text, "Property " + p.name() + " set to " + properties.get(p.name()), null);
    }
    if (s instanceof Statement.UnsetProperty u) {
      properties.unset(u.name());
      return new StatementResult.Success(text, "Property " + u.name() + " unset", null);
    }
    throw new SqlException(s instanceof Statement.Print
        ? "PRINT streams records: run it with stream() (the CLI does)"
        : "A bare SELECT is a push query that streams rows: run it with stream() (the CLI does), or end it with"
            + " EMIT CHANGES", s.pos().line(), s.pos().column());
  }

  private StatementResult createSource(Statement.CreateSource c, String text) {
    DataSource existing = catalog.get(c.name());
    if (existing != null && !c.orReplace()) {
      if (c.ifNotExists()) {
        return new StatementResult.Success(text, c.kind() + " " + c.name() + " already exists", null);
      }
      throw error(c, "A " + (existing.isTable() ? "table" : "stream") + " named " + c.name() + " already exists");
    }
    DataSource source = SourceBuilder.declared(c, text, admin);
    catalog.put(source);
    return new StatementResult.Success(text, (source.isTable() ? "Table " : "Stream ") + c.name() + " created", null);
  }

  private StatementResult createAsSelect(Statement.CreateAsSelect c, String text) {
    DataSource existing = catalog.get(c.name());
    if (existing != null) {
      if (c.ifNotExists()) {
        return new StatementResult.Success(text, c.kind() + " " + c.name() + " already exists", null);
      }
      throw error(c, "A stream or table named " + c.name() + " already exists" + (c.orReplace()
          ? " (CREATE OR REPLACE of a query is not supported yet: TERMINATE and DROP it first)" : ""));
    }
    QueryPlan plan = planner.plan(c.query(), true);
    DataSource sink = SourceBuilder.derived(c, text, plan, admin);
    String id = (c.kind() == Statement.SourceKind.TABLE ? "CTAS_" : "CSAS_") + c.name() + "_" + querySequence++;
    startPersistent(id, text, plan, sink);
    catalog.put(sink);
    return new StatementResult.Success(text, "Created query " + id + " writing " + c.name() + " (topic " + sink.topic() + ")", id);
  }

  private StatementResult insertInto(Statement.InsertInto i, String text) {
    DataSource target = requireSource(i.target(), i);
    if (target.isTable()) {
      throw error(i, "INSERT INTO needs a stream; " + target.name() + " is a table");
    }
    QueryPlan plan = planner.plan(i.query(), true);
    checkSchemaMatches(plan, target, i);
    if (plan.outputWindow() != null || target.window() != null) {
      throw error(i, "INSERT INTO with windowed results is not supported");
    }
    String id = "INSERTQUERY_" + querySequence++;
    startPersistent(id, text, plan, target);
    return new StatementResult.Success(text, "Created query " + id + " writing " + target.name(), id);
  }

  private void checkSchemaMatches(QueryPlan plan, DataSource target, Statement s) {
    List<Column> out = plan.outputColumns();
    for (Column t : target.columns()) {
      Column produced = out.stream().filter(c -> c.name().equals(t.name())).findFirst()
          .orElseThrow(() -> error(s, "The SELECT does not produce column " + t.name() + " of " + target.name()));
      if (produced.key() != t.key() || !produced.type().assignableTo(t.type())) {
        throw error(s, "Column " + t.name() + " is " + produced.type() + (produced.key() ? " KEY" : "") + " in the SELECT but "
            + t.type() + (t.key() ? " KEY" : "") + " in " + target.name());
      }
    }
    if (out.size() != target.columns().size()) {
      throw error(s, "The SELECT produces " + out.size() + " columns; " + target.name() + " has " + target.columns().size());
    }
  }

  private void startPersistent(String id, String text, QueryPlan plan, DataSource sink) {
    QueryRuntime q = new QueryRuntime(id, text, plan, sink, null, config, offsetReset());
    if (deferredStarts != null) {
      deferredStarts.add(q);
    } else {
      q.start();
    }
    queries.put(id, q);
  }

  /**
   * From now until {@link #startDeferredQueries}, persistent queries are created without being
   * started. A SQL server replaying its command topic uses this so that a query a later command
   * terminates (or whose sink a later DROP removes) never runs again, not even briefly.
   */
  public synchronized void deferQueryStarts() {
    if (deferredStarts == null) {
      deferredStarts = new ArrayList<>();
    }
  }

  /** Starts the deferred queries that are still there (not terminated meanwhile) and stops deferring. */
  public synchronized void startDeferredQueries() {
    List<QueryRuntime> deferred = deferredStarts;
    deferredStarts = null;
    if (deferred == null) {
      return;
    }
    for (QueryRuntime q : deferred) {
      if (queries.get(q.id()) == q) {
        q.start();
      }
    }
  }

  private StatementResult insertValues(Statement.InsertValues v, String text) {
    DataSource target = requireSource(v.target(), v);
    List<String> names = v.columns().isEmpty() ? target.columns().stream().map(Column::name).toList() : v.columns();
    if (names.size() != v.values().size()) {
      throw error(v, "INSERT names " + names.size() + " columns but gives " + v.values().size() + " values");
    }
    Object[] row = new Object[target.columns().size()];
    long ts = 0;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Expr e = v.values().get(i);
      Compiled c = ExprCompiler.compile(e, col -> {
        throw new SqlException("VALUES must be constants, not column " + col.name(), col.pos().line(), col.pos().column());
      });
      Object value = c.eval().eval(new Object[0]);
      if (name.equals("ROWTIME")) {
        if (!c.type().isNumeric()) {
          throw error(v, "ROWTIME must be a BIGINT (epoch milliseconds)");
        }
        ts = ((Number) value).longValue();
        continue;
      }
      int idx = target.indexOf(name);
      if (idx < 0) {
        throw new SqlException("Unknown column '" + name + "' of " + target.name(), e.pos().line(), e.pos().column());
      }
      SqlType t = target.columns().get(idx).type();
      if (!c.type().assignableTo(t)) {
        throw new SqlException("Column " + name + " is " + t + "; the value is " + c.type(), e.pos().line(), e.pos().column());
      }
      row[idx] = Values.widen(value, t);
    }
    RecordCodec codec = new RecordCodec(target);
    Object[] keys = target.keyColumns().stream().map(k -> row[target.indexOf(k.name())]).toArray();
    Object[] values = target.valueColumns().stream().map(k -> row[target.indexOf(k.name())]).toArray();
    if (target.timestampColumn() != null && ts == 0 && row[target.indexOf(target.timestampColumn())] instanceof Number n) {
      ts = n.longValue();
    }
    producer().sendSync(new ProducerRecord(target.topic(), null, codec.encodeKey(keys, null, null),
        codec.encodeValue(values), List.of(), ts));
    return new StatementResult.Success(text, "Inserted 1 row into " + target.name(), null);
  }

  private StatementResult drop(Statement.DropSource d, String text) {
    DataSource s = catalog.get(d.name());
    if (s == null) {
      if (d.ifExists()) {
        return new StatementResult.Success(text, d.name() + " does not exist", null);
      }
      throw error(d, "Unknown stream or table '" + d.name() + "'");
    }
    if (s.isTable() != (d.kind() == Statement.SourceKind.TABLE)) {
      throw error(d, d.name() + " is a " + (s.isTable() ? "table" : "stream") + ": use DROP " + (s.isTable() ? "TABLE" : "STREAM"));
    }
    for (QueryRuntime q : queries.values()) {
      boolean reads = q.plan().input().name().equals(s.name())
          || (q.plan().join() != null && q.plan().join().right().name().equals(s.name()));
      if (q.sinkSource().name().equals(s.name()) || reads) {
        throw error(d, "Cannot drop " + s.name() + ": query " + q.id() + (reads ? " reads" : " writes") + " it; TERMINATE "
            + q.id() + " first");
      }
    }
    catalog.remove(s.name());
    if (d.deleteTopic()) {
      admin.deleteTopic(s.topic());
    }
    return new StatementResult.Success(text, "Dropped " + s.name() + (d.deleteTopic() ? " and deleted topic " + s.topic() : ""), null);
  }

  private StatementResult terminate(Statement.Terminate t, String text) {
    List<String> ids = t.queryId() == null ? new ArrayList<>(queries.keySet()) : List.of(t.queryId());
    for (String id : ids) {
      QueryRuntime q = queries.get(id);
      if (q == null) {
        throw error(t, "Unknown query id '" + id + "' (SHOW QUERIES lists them)");
      }
      q.close();
      queries.remove(id);
      for (String topic : q.internalTopics()) {
        try {
          admin.deleteTopic(topic);
        } catch (RunnelException e) {
          LOG.warn("terminate {}: could not delete internal topic {}: {}", id, topic, e.getMessage());
        }
      }
    }
    return new StatementResult.Success(text, "Terminated " + String.join(", ", ids), null);
  }

  /**
   * Starts a push query (a bare SELECT, e.g. {@code SELECT * FROM s EMIT CHANGES LIMIT 3}) or a
   * PRINT; rows go to {@code listener} on the query's thread until LIMIT, {@link PushQuery#close}
   * or an error.
   */
  public synchronized PushQuery stream(String sql, RowListener listener) {
    SqlParser.Parsed parsed = SqlParser.parseOne(sql);
    return stream(parsed, listener);
  }

  public synchronized PushQuery stream(SqlParser.Parsed parsed, RowListener listener) {
    return stream(parsed, Map.of(), listener);
  }

  /** A push query or PRINT with {@code overrides} (e.g. {@code auto.offset.reset}) in effect for it. */
  public synchronized PushQuery stream(SqlParser.Parsed parsed, Map<String, String> overrides, RowListener listener) {
    return properties.with(overrides, () -> {
      try {
        return streamNow(parsed, listener);
      } catch (RunnelException e) {
        Statement st = parsed.statement();
        throw e.retriable()
            ? new ClusterUnavailableException("The cluster is not ready: " + e.getMessage(), st.pos().line(), st.pos().column())
            : new SqlException("The cluster refused: " + e.getMessage(), st.pos().line(), st.pos().column());
      }
    });
  }

  private PushQuery streamNow(SqlParser.Parsed parsed, RowListener listener) {
    Statement s = parsed.statement();
    String id = UUID.randomUUID().toString().substring(0, 8);
    if (s instanceof Statement.Print p) {
      TopicPrinter.partitions(config.bootstrap(), p.topic());
      PushQuery[] handle = new PushQuery[1];
      TopicPrinter printer = new TopicPrinter(config.bootstrap(), p.topic(), p.fromBeginning(), p.limit(),
          endNotifying(listener, () -> handle[0]));
      handle[0] = new PushQuery("print-" + id, List.of(), false, printer::stop);
      Thread thread = new Thread(printer, "sql-print-" + id);
      thread.setDaemon(true);
      thread.start();
      return handle[0];
    }
    if (!(s instanceof Statement.SelectStatement select)) {
      throw new SqlException("Only SELECT and PRINT stream rows; run other statements with execute()",
          s.pos().line(), s.pos().column());
    }
    QueryPlan plan = planner.plan(select.query(), false);
    PushQuery[] handle = new PushQuery[1];
    QueryRuntime q = new QueryRuntime("transient_" + plan.input().name() + "_" + id, parsed.text(), plan, null,
        endNotifying(listener, () -> handle[0]), config, offsetReset());
    handle[0] = new PushQuery(q.id(), plan.outputColumns(), plan.outputWindow() != null, () -> {
      q.close();
      for (String topic : q.internalTopics()) {
        try {
          admin.deleteTopic(topic);
        } catch (RunnelException e) {
          LOG.debug("push query {}: deleting {}: {}", q.id(), topic, e.getMessage());
        }
      }
    });
    q.start();
    return handle[0];
  }

  private static RowListener endNotifying(RowListener listener, java.util.function.Supplier<PushQuery> handle) {
    return new RowListener() {
      @Override
      public void onRow(Row row) {
        listener.onRow(row);
      }

      @Override
      public void onEnd(String error) {
        listener.onEnd(error);
        PushQuery h = handle.get();
        if (h != null) {
          h.ended(error);
        }
      }
    };
  }

  private Consumer.OffsetReset offsetReset() {
    return properties.get(Properties.AUTO_OFFSET_RESET).equals("earliest")
        ? Consumer.OffsetReset.EARLIEST : Consumer.OffsetReset.LATEST;
  }

  private DataSource requireSource(String name, Statement s) {
    DataSource source = catalog.get(name);
    if (source == null) {
      throw error(s, "Unknown stream or table '" + name + "'");
    }
    return source;
  }

  private Producer producer() {
    if (producer == null) {
      producer = Producer.builder().bootstrap(config.bootstrap()).lingerMs(0).build();
    }
    return producer;
  }

  /**
   * Plans a pull query (a SELECT without EMIT CHANGES): only on a table, without GROUP BY or
   * joins. Throws {@link SqlException} with what to write instead.
   */
  public synchronized QueryPlan planPull(Statement.SelectStatement select) {
    Query q = select.query();
    if (!(q.from() instanceof Query.SourceRef ref)) {
      throw error(select, "Pull queries read one table; joins need EMIT CHANGES (a push query)");
    }
    DataSource source = requireSource(ref.name(), select);
    if (!source.isTable()) {
      throw new SqlException("Pull queries read tables; " + source.name() + " is a stream: add EMIT CHANGES for a push query",
          ref.pos().line(), ref.pos().column());
    }
    if (!q.groupBy().isEmpty() || q.window() != null) {
      throw error(select, "Pull queries cannot aggregate; aggregate with CREATE TABLE ... AS SELECT and query that table");
    }
    return planner.plan(q, false);
  }

  /** The catalog entry named {@code name}, or null. */
  public synchronized DataSource source(String name) {
    return catalog.get(name);
  }

  /** The running persistent query {@code id}, or null. */
  public synchronized QueryRuntime query(String id) {
    return queries.get(id);
  }

  public synchronized List<QueryRuntime> queries() {
    return List.copyOf(queries.values());
  }

  /** Stops the queries (they resume when an engine runs the same statements again); deletes nothing. */
  @Override
  public synchronized void close() {
    for (QueryRuntime q : queries.values()) {
      q.close();
    }
    queries.clear();
    if (producer != null) {
      producer.close();
    }
    admin.close();
  }

  private static SqlException error(Statement s, String message) {
    return new SqlException(message, s.pos().line(), s.pos().column());
  }
}
