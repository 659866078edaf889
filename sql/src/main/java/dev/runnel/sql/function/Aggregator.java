package dev.runnel.sql.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.sql.types.SqlType;

/**
 * One aggregate of a query, bound to its argument types. States are plain Java values the
 * aggregator owns; they go to the state store (and its changelog) as JSON.
 */
public interface Aggregator {
  SqlType resultType();

  Object init();

  /** Folds one input row in. {@code args} are the evaluated arguments; {@code offset} the input record's offset. */
  Object add(Object state, Object[] args, long offset);

  /** Combines two states (session windows merging). */
  Object merge(Object a, Object b);

  Object result(Object state);

  JsonNode toJson(Object state);

  Object fromJson(JsonNode json);
}
