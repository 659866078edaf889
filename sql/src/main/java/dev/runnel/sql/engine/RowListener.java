package dev.runnel.sql.engine;

/** Receives the rows of a push query, on the query's thread; keep it quick. */
@FunctionalInterface
public interface RowListener {
  void onRow(Row row);

  /** The query ended: LIMIT reached (error null), closed, or failed (error says why). */
  default void onEnd(String error) {}
}
