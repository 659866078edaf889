package dev.runnel.sql.parser;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Expr;
import dev.runnel.sql.ast.Pos;
import dev.runnel.sql.ast.Query;
import dev.runnel.sql.ast.Statement;
import dev.runnel.sql.ast.Statement.SourceKind;
import dev.runnel.sql.ast.WindowSpec;
import dev.runnel.sql.parser.RunnelSqlParser.*;
import dev.runnel.sql.types.SqlType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Parse tree to AST. Unquoted identifiers are upper-cased, as ksqlDB does. */
final class AstBuilder extends RunnelSqlBaseVisitor<Object> {

  static Pos pos(ParserRuleContext ctx) {
    return pos(ctx.getStart());
  }

  static Pos pos(Token token) {
    return new Pos(token.getLine(), token.getCharPositionInLine() + 1);
  }

  // ---- statements

  @Override
  public Object visitQueryStatement(QueryStatementContext ctx) {
    return new Statement.SelectStatement(query(ctx.query()), pos(ctx));
  }

  @Override
  public Object visitCreateSource(CreateSourceContext ctx) {
    List<Statement.ColumnDef> columns = new ArrayList<>();
    if (ctx.tableElements() != null) {
      for (TableElementContext e : ctx.tableElements().tableElement()) {
        columns.add(new Statement.ColumnDef(ident(e.identifier()), type(e.type()), e.KEY() != null, pos(e)));
      }
    }
    return new Statement.CreateSource(
        kind(ctx.kind), ident(ctx.sourceName().identifier()), ctx.REPLACE() != null, ctx.EXISTS() != null,
        columns, properties(ctx.withProperties()), pos(ctx));
  }

  @Override
  public Object visitCreateAsSelect(CreateAsSelectContext ctx) {
    return new Statement.CreateAsSelect(
        kind(ctx.kind), ident(ctx.sourceName().identifier()), ctx.REPLACE() != null, ctx.EXISTS() != null,
        properties(ctx.withProperties()), query(ctx.query()), pos(ctx));
  }

  @Override
  public Object visitInsertInto(InsertIntoContext ctx) {
    if (ctx.withProperties() != null) {
      throw error(ctx.withProperties(), "INSERT INTO ... WITH (...) is not supported");
    }
    return new Statement.InsertInto(ident(ctx.sourceName().identifier()), query(ctx.query()), pos(ctx));
  }

  @Override
  public Object visitInsertValues(InsertValuesContext ctx) {
    List<String> columns = ctx.identifier().stream().map(AstBuilder::ident).toList();
    List<Expr> values = ctx.expression().stream().map(this::expr).toList();
    return new Statement.InsertValues(ident(ctx.sourceName().identifier()), columns, values, pos(ctx));
  }

  @Override
  public Object visitDropSource(DropSourceContext ctx) {
    return new Statement.DropSource(
        kind(ctx.kind), ident(ctx.sourceName().identifier()), ctx.EXISTS() != null, ctx.DELETE() != null, pos(ctx));
  }

  @Override
  public Object visitShow(ShowContext ctx) {
    Statement.ShowWhat what = Statement.ShowWhat.valueOf(ctx.what.getText().toUpperCase(Locale.ROOT));
    return new Statement.Show(what, ctx.EXTENDED() != null, pos(ctx));
  }

  @Override
  public Object visitDescribe(DescribeContext ctx) {
    return new Statement.Describe(ident(ctx.sourceName().identifier()), ctx.EXTENDED() != null, pos(ctx));
  }

  @Override
  public Object visitTerminate(TerminateContext ctx) {
    return new Statement.Terminate(ctx.ALL() != null ? null : ident(ctx.identifier()), pos(ctx));
  }

  @Override
  public Object visitPrint(PrintContext ctx) {
    // Topic names are case-sensitive: an unquoted name is taken as written, not upper-cased.
    String topic = ctx.STRING() != null ? unquote(ctx.STRING().getText()) : rawIdent(ctx.identifier());
    Integer limit = ctx.number() == null ? null : (int) positiveLong(ctx.number(), "LIMIT");
    return new Statement.Print(topic, ctx.BEGINNING() != null, limit, pos(ctx));
  }

  @Override
  public Object visitSetProperty(SetPropertyContext ctx) {
    return new Statement.SetProperty(unquote(ctx.name.getText()), unquote(ctx.value.getText()), pos(ctx));
  }

  @Override
  public Object visitUnsetProperty(UnsetPropertyContext ctx) {
    return new Statement.UnsetProperty(unquote(ctx.name.getText()), pos(ctx));
  }

  // ---- queries

  Query query(QueryContext ctx) {
    List<Query.SelectItem> select = new ArrayList<>();
    for (SelectItemContext item : ctx.selectItem()) {
      if (item instanceof SelectAllContext) {
        select.add(new Query.AllColumns(null, pos(item)));
      } else if (item instanceof SelectAllFromContext from) {
        select.add(new Query.AllColumns(ident(from.identifier()), pos(item)));
      } else {
        SelectSingleContext single = (SelectSingleContext) item;
        String alias = single.identifier() == null ? null : ident(single.identifier());
        select.add(new Query.SingleColumn(expr(single.expression()), alias, pos(item)));
      }
    }
    Query.Relation from = relation(ctx.relation());
    WindowSpec window = ctx.windowExpression() == null ? null : window(ctx.windowExpression());
    Expr where = ctx.where == null ? null : expr(ctx.where);
    List<Expr> groupBy = ctx.groupBy == null ? List.of() : exprs(ctx.groupBy.expression());
    List<Expr> partitionBy = ctx.partitionBy == null ? List.of() : exprs(ctx.partitionBy.expression());
    Expr having = ctx.having == null ? null : expr(ctx.having);
    Query.Emit emit = ctx.emit == null ? null : Query.Emit.valueOf(ctx.emit.getText().toUpperCase(Locale.ROOT));
    Integer limit = ctx.limit == null ? null : (int) positiveLong(ctx.limit, "LIMIT");
    return new Query(select, from, window, where, groupBy, partitionBy, having, emit, limit, pos(ctx));
  }

  private Query.Relation relation(RelationContext ctx) {
    Query.Relation left = sourceRef(ctx.aliasedRelation());
    for (JoinClauseContext join : ctx.joinClause()) {
      Query.JoinType type = Query.JoinType.INNER;
      JoinTypeContext jt = join.joinType();
      if (jt.LEFT() != null) {
        type = Query.JoinType.LEFT;
      } else if (jt.RIGHT() != null) {
        type = Query.JoinType.RIGHT;
      } else if (jt.FULL() != null) {
        type = Query.JoinType.FULL;
      }
      Long before = null;
      Long after = null;
      Long grace = null;
      WithinExpressionContext within = join.withinExpression();
      if (within != null) {
        if (within.before != null) {
          before = durationMs(within.before);
          after = durationMs(within.after);
        } else {
          before = durationMs(within.duration(0));
          after = before;
        }
        if (within.gracePeriod() != null) {
          grace = durationMs(within.gracePeriod().duration());
        }
      }
      left = new Query.Join(left, sourceRef(join.aliasedRelation()), type, before, after, grace,
          expr(join.expression()), pos(join));
    }
    return left;
  }

  private Query.SourceRef sourceRef(AliasedRelationContext ctx) {
    String name = ident(ctx.sourceName().identifier());
    String alias = ctx.identifier() == null ? name : ident(ctx.identifier());
    return new Query.SourceRef(name, alias, pos(ctx));
  }

  private WindowSpec window(WindowExpressionContext ctx) {
    Long grace = null;
    Long retention = null;
    List<WindowOptionContext> options;
    WindowSpec.Type type;
    long size;
    long advance = 0;
    if (ctx instanceof TumblingWindowContext t) {
      type = WindowSpec.Type.TUMBLING;
      size = durationMs(t.size);
      advance = size;
      options = t.windowOption();
    } else if (ctx instanceof HoppingWindowContext h) {
      type = WindowSpec.Type.HOPPING;
      size = durationMs(h.size);
      advance = durationMs(h.advance);
      options = h.windowOption();
      if (advance > size) {
        throw error(h.advance, "HOPPING window ADVANCE BY (" + advance + " ms) must not exceed its SIZE (" + size + " ms)");
      }
    } else {
      SessionWindowContext s = (SessionWindowContext) ctx;
      type = WindowSpec.Type.SESSION;
      size = durationMs(s.gap);
      options = s.windowOption();
    }
    for (WindowOptionContext option : options) {
      if (option.gracePeriod() != null) {
        grace = durationMs(option.gracePeriod().duration());
      } else {
        retention = durationMs(option.duration());
      }
    }
    if (size <= 0) {
      throw error(ctx, "window size must be positive");
    }
    return new WindowSpec(type, size, advance, grace, retention);
  }

  long durationMs(DurationContext ctx) {
    long n = positiveLong(ctx.number(), "duration");
    String unit = ident(ctx.identifier());
    long unitMs = switch (unit) {
      case "MILLISECOND", "MILLISECONDS" -> 1L;
      case "SECOND", "SECONDS" -> 1_000L;
      case "MINUTE", "MINUTES" -> 60_000L;
      case "HOUR", "HOURS" -> 3_600_000L;
      case "DAY", "DAYS" -> 86_400_000L;
      default -> throw error(ctx.identifier(),
          "Unknown time unit '" + unit + "' (use MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS)");
    };
    return Math.multiplyExact(n, unitMs);
  }

  private long positiveLong(NumberContext ctx, String what) {
    if (!(ctx instanceof IntegerLiteralContext)) {
      throw error(ctx, what + " must be a whole number, got " + ctx.getText());
    }
    try {
      long v = Long.parseLong(ctx.getText());
      if (v < 0) {
        throw error(ctx, what + " must not be negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw error(ctx, what + " is out of range: " + ctx.getText());
    }
  }

  private Map<String, Object> properties(WithPropertiesContext ctx) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (ctx == null) {
      return out;
    }
    for (PropertyContext p : ctx.property()) {
      String name = ident(p.identifier());
      Expr.Literal literal = (Expr.Literal) visit(p.literal());
      if (out.put(name, literal.value()) != null) {
        throw error(p, "Duplicate property " + name);
      }
    }
    return out;
  }

  // ---- types

  SqlType type(TypeContext ctx) {
    if (ctx instanceof ArrayTypeContext a) {
      return SqlType.array(type(a.type()));
    }
    if (ctx instanceof MapTypeContext m) {
      SqlType key = type(m.keyType);
      if (key.base() != SqlType.Base.STRING) {
        throw error(m.keyType, "MAP keys must be STRING (VARCHAR), got " + key);
      }
      return SqlType.map(type(m.valueType));
    }
    if (ctx instanceof StructTypeContext s) {
      List<SqlType.Field> fields = new ArrayList<>();
      for (int i = 0; i < s.identifier().size(); i++) {
        fields.add(new SqlType.Field(ident(s.identifier(i)), type(s.type(i))));
      }
      return SqlType.struct(fields);
    }
    BaseTypeContext b = (BaseTypeContext) ctx;
    String name = ident(b.identifier());
    return switch (name) {
      case "BOOLEAN" -> SqlType.BOOLEAN;
      case "INT", "INTEGER" -> SqlType.INTEGER;
      case "BIGINT" -> SqlType.BIGINT;
      case "DOUBLE" -> SqlType.DOUBLE;
      case "VARCHAR", "STRING" -> SqlType.STRING;
      case "DECIMAL", "TIMESTAMP", "DATE", "TIME", "BYTES" -> throw error(b,
          "Type " + name + " is not supported yet (supported: BOOLEAN, INT, BIGINT, DOUBLE, VARCHAR, ARRAY, MAP, STRUCT;"
              + " keep timestamps as BIGINT milliseconds)");
      default -> throw error(b, "Unknown type '" + name + "'");
    };
  }

  // ---- expressions

  Expr expr(ParserRuleContext ctx) {
    return (Expr) visit(ctx);
  }

  private List<Expr> exprs(List<ExpressionContext> list) {
    return list.stream().map(this::expr).toList();
  }

  @Override
  public Object visitExpression(ExpressionContext ctx) {
    return visit(ctx.booleanExpression());
  }

  @Override
  public Object visitBooleanDefault(BooleanDefaultContext ctx) {
    return visit(ctx.predicated());
  }

  @Override
  public Object visitLogicalNot(LogicalNotContext ctx) {
    return new Expr.Not(expr(ctx.booleanExpression()), pos(ctx));
  }

  @Override
  public Object visitLogicalAnd(LogicalAndContext ctx) {
    return new Expr.Logic(true, expr(ctx.left), expr(ctx.right), pos(ctx.AND().getSymbol()));
  }

  @Override
  public Object visitLogicalOr(LogicalOrContext ctx) {
    return new Expr.Logic(false, expr(ctx.left), expr(ctx.right), pos(ctx.OR().getSymbol()));
  }

  @Override
  public Object visitPredicated(PredicatedContext ctx) {
    Expr value = expr(ctx.valueExpression());
    PredicateContext p = ctx.predicate();
    if (p == null) {
      return value;
    }
    Pos pos = pos(p);
    if (p instanceof ComparisonContext c) {
      Expr.CmpOp op = switch (c.comparisonOperator().getStart().getType()) {
        case RunnelSqlParser.EQ -> Expr.CmpOp.EQ;
        case RunnelSqlParser.NEQ -> Expr.CmpOp.NEQ;
        case RunnelSqlParser.LT -> Expr.CmpOp.LT;
        case RunnelSqlParser.LTE -> Expr.CmpOp.LTE;
        case RunnelSqlParser.GT -> Expr.CmpOp.GT;
        default -> Expr.CmpOp.GTE;
      };
      return new Expr.Compare(op, value, expr(c.right), pos);
    }
    if (p instanceof BetweenContext b) {
      return new Expr.Between(value, expr(b.lower), expr(b.upper), b.NOT() != null, pos);
    }
    if (p instanceof InListContext in) {
      return new Expr.InList(value, exprs(in.expression()), in.NOT() != null, pos);
    }
    if (p instanceof LikeContext like) {
      String escape = like.escape == null ? null : unquote(like.escape.getText());
      if (escape != null && escape.length() != 1) {
        throw error(like, "ESCAPE must be a single character");
      }
      return new Expr.Like(value, expr(like.pattern), escape, like.NOT() != null, pos);
    }
    NullPredicateContext n = (NullPredicateContext) p;
    return new Expr.IsNull(value, n.NOT() != null, pos);
  }

  @Override
  public Object visitValueDefault(ValueDefaultContext ctx) {
    return visit(ctx.primaryExpression());
  }

  @Override
  public Object visitArithmeticUnary(ArithmeticUnaryContext ctx) {
    Expr operand = expr(ctx.valueExpression());
    if (ctx.op.getType() == RunnelSqlParser.PLUS) {
      return operand;
    }
    // Fold "-literal" so that -5 is an INTEGER literal (and the smallest BIGINT can be written).
    if (operand instanceof Expr.Literal lit && lit.value() instanceof Number n) {
      Object negated = n instanceof Integer i ? (Object) (-i) : n instanceof Long l ? (Object) (-l) : (Object) (-n.doubleValue());
      return new Expr.Literal(negated, lit.type(), pos(ctx));
    }
    return new Expr.Negate(operand, pos(ctx));
  }

  @Override
  public Object visitArithmeticBinary(ArithmeticBinaryContext ctx) {
    Expr.ArithOp op = switch (ctx.op.getType()) {
      case RunnelSqlParser.PLUS -> Expr.ArithOp.ADD;
      case RunnelSqlParser.MINUS -> Expr.ArithOp.SUB;
      case RunnelSqlParser.ASTERISK -> Expr.ArithOp.MUL;
      case RunnelSqlParser.SLASH -> Expr.ArithOp.DIV;
      default -> Expr.ArithOp.MOD;
    };
    return new Expr.Arith(op, expr(ctx.left), expr(ctx.right), pos(ctx.op));
  }

  @Override
  public Object visitConcatenation(ConcatenationContext ctx) {
    return new Expr.Call("CONCAT", List.of(expr(ctx.left), expr(ctx.right)), false, false, pos(ctx.CONCAT_OP().getSymbol()));
  }

  @Override
  public Object visitLiteralExpression(LiteralExpressionContext ctx) {
    return visit(ctx.literal());
  }

  @Override
  public Object visitNullLiteral(NullLiteralContext ctx) {
    return new Expr.Literal(null, SqlType.NULL, pos(ctx));
  }

  @Override
  public Object visitBooleanLiteral(BooleanLiteralContext ctx) {
    return new Expr.Literal(ctx.TRUE() != null, SqlType.BOOLEAN, pos(ctx));
  }

  @Override
  public Object visitNumericLiteral(NumericLiteralContext ctx) {
    return visit(ctx.number());
  }

  @Override
  public Object visitIntegerLiteral(IntegerLiteralContext ctx) {
    String text = ctx.getText();
    try {
      long v = Long.parseLong(text);
      if (v <= Integer.MAX_VALUE) {
        return new Expr.Literal((int) v, SqlType.INTEGER, pos(ctx));
      }
      return new Expr.Literal(v, SqlType.BIGINT, pos(ctx));
    } catch (NumberFormatException e) {
      throw error(ctx, "Integer literal out of BIGINT range: " + text);
    }
  }

  @Override
  public Object visitDecimalLiteral(DecimalLiteralContext ctx) {
    return new Expr.Literal(Double.parseDouble(ctx.getText()), SqlType.DOUBLE, pos(ctx));
  }

  @Override
  public Object visitStringLiteral(StringLiteralContext ctx) {
    return new Expr.Literal(unquote(ctx.STRING().getText()), SqlType.STRING, pos(ctx));
  }

  @Override
  public Object visitSimpleCase(SimpleCaseContext ctx) {
    return new Expr.Case(expr(ctx.operand), whens(ctx.whenClause()),
        ctx.elseExpression == null ? null : expr(ctx.elseExpression), pos(ctx));
  }

  @Override
  public Object visitSearchedCase(SearchedCaseContext ctx) {
    return new Expr.Case(null, whens(ctx.whenClause()),
        ctx.elseExpression == null ? null : expr(ctx.elseExpression), pos(ctx));
  }

  private List<Expr.When> whens(List<WhenClauseContext> list) {
    return list.stream().map(w -> new Expr.When(expr(w.condition), expr(w.result))).toList();
  }

  @Override
  public Object visitCast(CastContext ctx) {
    return new Expr.Cast(expr(ctx.expression()), type(ctx.type()), pos(ctx));
  }

  @Override
  public Object visitArrayConstructor(ArrayConstructorContext ctx) {
    return new Expr.ArrayOf(exprs(ctx.expression()), pos(ctx));
  }

  @Override
  public Object visitMapConstructor(MapConstructorContext ctx) {
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    for (int i = 0; i < ctx.expression().size(); i += 2) {
      keys.add(expr(ctx.expression(i)));
      values.add(expr(ctx.expression(i + 1)));
    }
    return new Expr.MapOf(keys, values, pos(ctx));
  }

  @Override
  public Object visitStructConstructor(StructConstructorContext ctx) {
    List<String> names = ctx.identifier().stream().map(AstBuilder::ident).toList();
    return new Expr.StructOf(names, exprs(ctx.expression()), pos(ctx));
  }

  @Override
  public Object visitFunctionCallStar(FunctionCallStarContext ctx) {
    return new Expr.Call(ident(ctx.identifier()), List.of(), true, false, pos(ctx));
  }

  @Override
  public Object visitFunctionCall(FunctionCallContext ctx) {
    return new Expr.Call(ident(ctx.identifier()), exprs(ctx.expression()), false, ctx.DISTINCT() != null, pos(ctx));
  }

  @Override
  public Object visitSubscript(SubscriptContext ctx) {
    return new Expr.Subscript(expr(ctx.base), expr(ctx.index), pos(ctx));
  }

  @Override
  public Object visitDereference(DereferenceContext ctx) {
    return new Expr.Dereference(expr(ctx.base), ident(ctx.field), pos(ctx.ARROW().getSymbol()));
  }

  @Override
  public Object visitQualifiedColumn(QualifiedColumnContext ctx) {
    return new Expr.Column(ident(ctx.qualifier), ident(ctx.column), pos(ctx));
  }

  @Override
  public Object visitColumnReference(ColumnReferenceContext ctx) {
    return new Expr.Column(null, ident(ctx.identifier()), pos(ctx));
  }

  @Override
  public Object visitParenthesized(ParenthesizedContext ctx) {
    return visit(ctx.expression());
  }

  // ---- helpers

  static String ident(IdentifierContext ctx) {
    if (ctx instanceof QuotedIdentifierContext q) {
      String t = q.getText();
      return t.substring(1, t.length() - 1).replace("``", "`");
    }
    return ctx.getText().toUpperCase(Locale.ROOT);
  }

  private static String rawIdent(IdentifierContext ctx) {
    if (ctx instanceof QuotedIdentifierContext) {
      return ident(ctx);
    }
    return ctx.getText();
  }

  static String unquote(String quoted) {
    return quoted.substring(1, quoted.length() - 1).replace("''", "'");
  }

  private static SourceKind kind(Token token) {
    return token.getType() == RunnelSqlParser.STREAM ? SourceKind.STREAM : SourceKind.TABLE;
  }

  private static SqlException error(ParserRuleContext ctx, String message) {
    Pos p = pos(ctx);
    return new SqlException(message, p.line(), p.column());
  }
}
