package dev.runnel.sql.analyzer;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.ast.Pos;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.WindowSpec;
import dev.runnel.sql.catalog.Catalog;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.expr.Compiled;
import dev.runnel.sql.expr.Evaluator;
import dev.runnel.sql.expr.ExprCompiler;
import dev.runnel.sql.expr.Scope;
import dev.runnel.sql.function.AggregateFunctions;
import dev.runnel.sql.function.Aggregator;
import dev.runnel.sql.types.SqlType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves and type-checks a SELECT against the catalog and compiles it into a {@link QueryPlan}.
 * Every user mistake is a {@link SqlException} with the position of the offending expression.
 */
public final class QueryPlanner {
  /**
   * The grace period of a window without GRACE PERIOD: 24 hours, ksqlDB's documented default
   * (Kafka Streams' former default).
   */
  public static final long DEFAULT_GRACE_MS = 24L * 60 * 60 * 1000;

  private final Catalog catalog;

  public QueryPlanner(Catalog catalog) {
    this.catalog = catalog;
  }

  /** {@code persistent}: the query writes a stream or table (key rules apply, LIMIT is refused). */
  public QueryPlan plan(Query q, boolean persistent) {
    if (persistent && q.limit() != null) {
      throw error(q.pos(), "LIMIT is only allowed in push queries (a bare SELECT), not in a persistent query");
    }
    SourceScope scope = new SourceScope();
    QueryPlan.Join join = null;
    DataSource input;
    if (q.from() instanceof Query.SourceRef ref) {
      input = source(ref);
      scope.add(ref.alias(), input);
    } else {
      Query.Join j = (Query.Join) q.from();
      if (!(j.left() instanceof Query.SourceRef leftRef)) {
        throw error(j.pos(), "Joins of more than two sources are not supported yet");
      }
      input = source(leftRef);
      DataSource right = source(j.right());
      if (leftRef.alias().equals(j.right().alias())) {
        throw error(j.right().pos(), "Both sides of the join are called '" + leftRef.alias() + "': give them different aliases");
      }
      scope.add(leftRef.alias(), input).add(j.right().alias(), right);
      join = JoinPlanner.plan(j, scope, q.window() != null);
    }
    SourceScope rowScope = scope.forbidAggregates(
        "Aggregate functions are only allowed in SELECT and HAVING of a query with GROUP BY");
    Evaluator where = q.where() == null ? null : ExprCompiler.condition(q.where(),
        scope.forbidAggregates("Aggregate functions are not allowed in WHERE (use HAVING)"), "WHERE");

    List<Query.SingleColumn> items = expandStar(q, scope);
    List<Expr.Call> aggregates = new ArrayList<>();
    for (Query.SingleColumn item : items) {
      collectAggregates(item.expr(), aggregates, false);
    }
    if (q.having() != null) {
      collectAggregates(q.having(), aggregates, false);
    }
    boolean aggregate = !q.groupBy().isEmpty();
    if (!aggregate && !aggregates.isEmpty()) {
      throw error(aggregates.get(0).pos(), "Aggregate " + aggregates.get(0).name()
          + " needs a GROUP BY clause (e.g. GROUP BY a column)");
    }
    if (!aggregate && q.having() != null) {
      throw error(q.having().pos(), "HAVING needs a GROUP BY clause");
    }
    if (!aggregate && q.window() != null) {
      throw error(q.pos(), "WINDOW needs a GROUP BY clause");
    }
    if (q.emit() == Query.Emit.FINAL && (q.window() == null || !aggregate)) {
      throw error(q.pos(), "EMIT FINAL is only supported for windowed aggregations");
    }
    if (aggregate && join != null) {
      throw error(q.pos(), "GROUP BY on a join is not supported yet: write the join to a stream first");
    }
    if (aggregate && !q.partitionBy().isEmpty()) {
      throw error(q.partitionBy().get(0).pos(), "PARTITION BY cannot be combined with GROUP BY (GROUP BY already sets the key)");
    }

    if (aggregate) {
      return planAggregation(q, input, scope, rowScope, where, items, aggregates, persistent);
    }
    List<Column> out = new ArrayList<>();
    Evaluator[] projection = new Evaluator[items.size()];
    List<String> names = outputNames(items);
    for (int i = 0; i < items.size(); i++) {
      Compiled c = ExprCompiler.compile(items.get(i).expr(), rowScope);
      projection[i] = c.eval();
      out.add(new Column(names.get(i), concrete(c.type()), false));
    }
    if (persistent) {
      out = markKeys(q, items, out, scope, join, input);
    }
    return new QueryPlan(input, where, projection, out, null, join, q.emit(), q.limit(), input.window());
  }

  private QueryPlan planAggregation(Query q, DataSource input, SourceScope scope, SourceScope rowScope, Evaluator where,
      List<Query.SingleColumn> items, List<Expr.Call> aggregates, boolean persistent) {
    if (input.isTable()) {
      throw error(q.pos(), "Aggregating a TABLE is not supported yet; aggregate the stream it comes from");
    }
    if (input.window() != null) {
      throw error(q.pos(), "Aggregating a windowed source is not supported");
    }
    List<Expr> groupBy = q.groupBy();
    Evaluator[] groupEvals = new Evaluator[groupBy.size()];
    List<SqlType> groupTypes = new ArrayList<>();
    for (int i = 0; i < groupBy.size(); i++) {
      Compiled c = ExprCompiler.compile(groupBy.get(i),
          scope.forbidAggregates("Aggregate functions are not allowed in GROUP BY"));
      if (c.type().isNull()) {
        throw error(groupBy.get(i).pos(), "Cannot GROUP BY NULL");
      }
      groupEvals[i] = c.eval();
      groupTypes.add(c.type());
    }
    List<Aggregator> aggregators = new ArrayList<>();
    List<SqlType> aggTypes = new ArrayList<>();
    Evaluator[][] aggArgs = new Evaluator[aggregates.size()][];
    SourceScope argScope = scope.forbidAggregates("Aggregate functions cannot be nested");
    for (int i = 0; i < aggregates.size(); i++) {
      Expr.Call call = aggregates.get(i);
      List<SqlType> types = new ArrayList<>();
      List<Object> literals = new ArrayList<>();
      aggArgs[i] = new Evaluator[call.args().size()];
      for (int a = 0; a < call.args().size(); a++) {
        Expr arg = call.args().get(a);
        Compiled c = ExprCompiler.compile(arg, argScope);
        aggArgs[i][a] = c.eval();
        types.add(c.type());
        literals.add(arg instanceof Expr.Literal lit ? lit.value() : null);
      }
      try {
        Aggregator agg = AggregateFunctions.create(call.name(), call.star(), types, literals);
        aggregators.add(agg);
        aggTypes.add(agg.resultType());
      } catch (SqlException e) {
        throw error(call.pos(), e.getMessage());
      }
    }
    AggregateScope aggScope = new AggregateScope(scope, groupBy, groupTypes, aggregates, aggTypes, q.window() != null);
    Evaluator having = q.having() == null ? null : ExprCompiler.condition(q.having(), aggScope, "HAVING");
    List<String> names = outputNames(items);
    Evaluator[] projection = new Evaluator[items.size()];
    List<Column> out = new ArrayList<>();
    Set<Integer> keyGroups = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Expr e = items.get(i).expr();
      Compiled c = ExprCompiler.compile(e, aggScope);
      projection[i] = c.eval();
      int g = aggScope.groupIndexOf(e);
      boolean key = g >= 0 && keyGroups.add(g);
      out.add(new Column(names.get(i), concrete(c.type()), key));
    }
    if (persistent) {
      for (int g = 0; g < groupBy.size(); g++) {
        if (!keyGroups.contains(g)) {
          throw error(groupBy.get(g).pos(), "Key missing from projection: the SELECT must include the GROUP BY expression "
              + render(groupBy.get(g)) + " (it becomes the key of the result)");
        }
      }
    }
    WindowSpec w = q.window();
    long grace = w == null ? 0 : (w.graceMs() != null ? w.graceMs() : DEFAULT_GRACE_MS);
    boolean repartition = !groupedByKey(groupBy, scope, input);
    QueryPlan.Aggregation agg = new QueryPlan.Aggregation(groupEvals, groupTypes, aggregators, aggArgs, w, grace,
        having, aggScope.width(), repartition);
    DataSource.Window outWindow = w == null ? null : new DataSource.Window(w.type(), w.type() == WindowSpec.Type.HOPPING || w.type() == WindowSpec.Type.TUMBLING ? w.sizeMs() : 0);
    return new QueryPlan(input, where, projection, out, agg, null, q.emit(), q.limit(), outWindow);
  }

  /** Whether the input is already partitioned by the GROUP BY (it is exactly the source's key columns). */
  private static boolean groupedByKey(List<Expr> groupBy, SourceScope scope, DataSource input) {
    List<Column> keys = input.keyColumns();
    if (keys.isEmpty() || keys.size() != groupBy.size()) {
      return false;
    }
    for (int i = 0; i < keys.size(); i++) {
      if (!(groupBy.get(i) instanceof Expr.Column c) || scope.slotOf(c) != input.indexOf(keys.get(i).name())) {
        return false;
      }
    }
    return true;
  }

  /** Key columns of a persistent non-aggregate query: PARTITION BY expressions, the join key, or the source's keys. */
  private List<Column> markKeys(Query q, List<Query.SingleColumn> items, List<Column> out, SourceScope scope,
      QueryPlan.Join join, DataSource input) {
    List<Column> marked = new ArrayList<>(out);
    List<Expr> keyExprs = new ArrayList<>();
    String why;
    if (!q.partitionBy().isEmpty()) {
      keyExprs.addAll(q.partitionBy());
      why = "PARTITION BY expression";
    } else if (join != null) {
      keyExprs.add(JoinPlanner.leftKeyExpr((Query.Join) q.from()));
      why = "join key";
    } else {
      for (Column k : input.keyColumns()) {
        keyExprs.add(new Expr.Column(null, k.name(), q.pos()));
      }
      why = "key column of " + input.name();
    }
    for (Expr k : keyExprs) {
      int found = -1;
      for (int i = 0; i < items.size(); i++) {
        if (sameExpr(items.get(i).expr(), k, scope) && !marked.get(i).key()) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        if (join != null && q.partitionBy().isEmpty()) {
          // A join key can be read from either side: accept the right side's key column too.
          Expr rk = JoinPlanner.rightKeyExpr((Query.Join) q.from());
          for (int i = 0; i < items.size() && found < 0; i++) {
            if (sameExpr(items.get(i).expr(), rk, scope)) {
              found = i;
            }
          }
        }
        if (found < 0) {
          throw error(k.pos().line() > 0 ? k.pos() : q.pos(), "Key missing from projection: the SELECT must include the "
              + why + " " + render(k) + " (it becomes the key of the result)");
        }
      }
      Column c = marked.get(found);
      marked.set(found, new Column(c.name(), c.type(), true));
    }
    return marked;
  }

  static boolean sameExpr(Expr a, Expr b, SourceScope scope) {
    if (a.equals(b)) {
      return true;
    }
    if (a instanceof Expr.Column x && b instanceof Expr.Column y) {
      try {
        return scope.slotOf(x) == scope.slotOf(y);
      } catch (SqlException e) {
        return false;
      }
    }
    return false;
  }

  private DataSource source(Query.SourceRef ref) {
    DataSource s = catalog.get(ref.name());
    if (s == null) {
      throw error(ref.pos(), "Unknown stream or table '" + ref.name() + "' (SHOW STREAMS; and SHOW TABLES; list them)");
    }
    return s;
  }

  private static List<Query.SingleColumn> expandStar(Query q, SourceScope scope) {
    List<Query.SingleColumn> out = new ArrayList<>();
    boolean join = scope.entries().size() > 1;
    for (Query.SelectItem item : q.select()) {
      if (item instanceof Query.SingleColumn s) {
        out.add(s);
        continue;
      }
      Query.AllColumns all = (Query.AllColumns) item;
      boolean matched = false;
      for (SourceScope.Entry e : scope.entries()) {
        if (all.qualifier() != null && !all.qualifier().equals(e.alias()) && !all.qualifier().equals(e.source().name())) {
          continue;
        }
        matched = true;
        for (Column c : e.source().columns()) {
          // In a join, columns are prefixed with their source's alias, as ksqlDB names them.
          String alias = join ? e.alias() + "_" + c.name() : null;
          out.add(new Query.SingleColumn(new Expr.Column(e.alias(), c.name(), all.pos()), alias, all.pos()));
        }
      }
      if (!matched) {
        throw error(all.pos(), "Unknown source or alias '" + all.qualifier() + "' in " + all.qualifier() + ".*");
      }
    }
    return out;
  }

  /** Names of the output columns: the alias, else the column or struct field name, else KSQL_COL_n. */
  static List<String> outputNames(List<Query.SingleColumn> items) {
    List<String> names = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (Query.SingleColumn item : items) {
      if (item.alias() != null) {
        taken.add(item.alias());
      } else if (item.expr() instanceof Expr.Column c) {
        taken.add(c.name());
      }
    }
    int generated = 0;
    Set<String> seen = new HashSet<>();
    for (Query.SingleColumn item : items) {
      String name = item.alias();
      if (name == null && item.expr() instanceof Expr.Column c) {
        name = c.name();
      }
      if (name == null && item.expr() instanceof Expr.Dereference d && !taken.contains(d.field())) {
        name = d.field();
      }
      while (name == null) {
        String candidate = "KSQL_COL_" + generated++;
        if (!taken.contains(candidate)) {
          name = candidate;
        }
      }
      if (!seen.add(name)) {
        throw error(item.pos(), "Duplicate output column name '" + name + "': give one an alias with AS");
      }
      names.add(name);
    }
    return names;
  }

  private static void collectAggregates(Expr e, List<Expr.Call> out, boolean inside) {
    if (e instanceof Expr.Call c && AggregateFunctions.isAggregate(c.name())) {
      if (inside) {
        throw error(c.pos(), "Aggregate functions cannot be nested: " + c.name());
      }
      if (!out.contains(c)) {
        out.add(c);
      }
      for (Expr a : c.args()) {
        collectAggregates(a, out, true);
      }
      return;
    }
    for (Expr child : children(e)) {
      collectAggregates(child, out, inside);
    }
  }

  static List<Expr> children(Expr e) {
    List<Expr> out = new ArrayList<>();
    if (e instanceof Expr.Call c) {
      out.addAll(c.args());
    } else if (e instanceof Expr.Arith a) {
      out.add(a.left());
      out.add(a.right());
    } else if (e instanceof Expr.Negate n) {
      out.add(n.operand());
    } else if (e instanceof Expr.Compare c) {
      out.add(c.left());
      out.add(c.right());
    } else if (e instanceof Expr.Logic l) {
      out.add(l.left());
      out.add(l.right());
    } else if (e instanceof Expr.Not n) {
      out.add(n.operand());
    } else if (e instanceof Expr.Between b) {
      out.add(b.value());
      out.add(b.lower());
      out.add(b.upper());
    } else if (e instanceof Expr.InList in) {
      out.add(in.value());
      out.addAll(in.list());
    } else if (e instanceof Expr.Like l) {
      out.add(l.value());
      out.add(l.pattern());
    } else if (e instanceof Expr.IsNull n) {
      out.add(n.value());
    } else if (e instanceof Expr.Case c) {
      if (c.operand() != null) {
        out.add(c.operand());
      }
      for (Expr.When w : c.whens()) {
        out.add(w.condition());
        out.add(w.result());
      }
      if (c.otherwise() != null) {
        out.add(c.otherwise());
      }
    } else if (e instanceof Expr.Cast c) {
      out.add(c.value());
    } else if (e instanceof Expr.Dereference d) {
      out.add(d.base());
    } else if (e instanceof Expr.Subscript s) {
      out.add(s.base());
      out.add(s.index());
    } else if (e instanceof Expr.ArrayOf a) {
      out.addAll(a.items());
    } else if (e instanceof Expr.MapOf m) {
      out.addAll(m.keys());
      out.addAll(m.values());
    } else if (e instanceof Expr.StructOf s) {
      out.addAll(s.values());
    }
    return out;
  }

  /** A NULL literal column is typed STRING so that it can be written out. */
  private static SqlType concrete(SqlType t) {
    return t.isNull() ? SqlType.STRING : t;
  }

  static String render(Expr e) {
    if (e instanceof Expr.Column c) {
      return c.qualifier() == null ? c.name() : c.qualifier() + "." + c.name();
    }
    if (e instanceof Expr.Call c) {
      return c.name() + "(" + (c.star() ? "*" : String.join(", ", c.args().stream().map(QueryPlanner::render).toList())) + ")";
    }
    if (e instanceof Expr.Dereference d) {
      return render(d.base()) + "->" + d.field();
    }
    if (e instanceof Expr.Literal l) {
      return l.value() instanceof String s ? "'" + s + "'" : String.valueOf(l.value());
    }
    return "expression";
  }

  static SqlException error(Pos pos, String message) {
    return new SqlException(message, pos.line(), pos.column());
  }

  static Scope noColumns() {
    return col -> {
      throw new SqlException("Column references are not allowed here: " + col.name(), col.pos().line(), col.pos().column());
    };
  }
}
