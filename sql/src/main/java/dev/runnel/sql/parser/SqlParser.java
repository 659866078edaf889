package dev.runnel.sql.parser;

import dev.runnel.sql.SqlException;
import dev.runnel.sql.ast.Statement;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Text to statements. Syntax errors become a {@link SqlException} with the line and column of the
 * offending token and a short message; the first error stops parsing.
 */
public final class SqlParser {
  private SqlParser() {}

  /** A parsed statement with the exact text it came from. */
  public record Parsed(Statement statement, String text) {}

  public static List<Parsed> parse(String sql) {
    RunnelSqlLexer lexer = new RunnelSqlLexer(CharStreams.fromString(sql));
    RunnelSqlParser parser = new RunnelSqlParser(new CommonTokenStream(lexer));
    ThrowingListener errors = new ThrowingListener();
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    parser.removeErrorListeners();
    parser.addErrorListener(errors);
    RunnelSqlParser.StatementsContext tree = parser.statements();
    AstBuilder builder = new AstBuilder();
    List<Parsed> out = new ArrayList<>();
    for (RunnelSqlParser.SingleStatementContext single : tree.singleStatement()) {
      Statement statement = (Statement) builder.visit(single.statement());
      int start = single.getStart().getStartIndex();
      int stop = single.getStop().getStopIndex();
      out.add(new Parsed(statement, sql.substring(start, stop + 1)));
    }
    return out;
  }

  /** Parses exactly one statement (a trailing ';' is optional). */
  public static Parsed parseOne(String sql) {
    String text = sql.strip();
    if (!text.endsWith(";")) {
      text = text + ";";
    }
    List<Parsed> all = parse(text);
    if (all.size() != 1) {
      throw new SqlException("Expected exactly one statement, got " + all.size());
    }
    return all.get(0);
  }

  private static final class ThrowingListener extends BaseErrorListener {
    @Override
    public void syntaxError(
        Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
        String msg, RecognitionException e) {
      String near = "";
      if (offendingSymbol instanceof Token token) {
        near = token.getType() == Token.EOF ? " at end of input" : " at or near '" + token.getText() + "'";
      }
      throw new SqlException("Syntax error" + near + ": " + tidy(msg), line, charPositionInLine + 1);
    }

    /** ANTLR lists every token it expected; keep the message short enough to read. */
    private static String tidy(String msg) {
      return msg.length() > 200 ? msg.substring(0, 200) + "...}" : msg;
    }
  }
}
