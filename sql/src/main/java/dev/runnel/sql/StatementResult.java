package dev.runnel.sql;

import java.util.List;

/** What one statement did. */
public sealed interface StatementResult {
  /** The statement's text. */
  String statement();

  /** A statement that changed something: {@code queryId} is set when it started a persistent query. */
  record Success(String statement, String message, String queryId) implements StatementResult {}

  /** A listing (SHOW, DESCRIBE): a header and rows of text cells. */
  record Listing(String statement, List<String> header, List<List<String>> rows) implements StatementResult {}
}
