package dev.runnel.sql;

/**
 * The cluster could not do what a statement needed just now (a node busy, a partition not open
 * yet, a leader moving): the same statement may succeed if run again. A SQL server retries the
 * commands of its command topic that fail this way, so that a transient error on one server does
 * not make it run different queries than the others.
 */
public final class ClusterUnavailableException extends SqlException {
  public ClusterUnavailableException(String message, int line, int column) {
    super(message, line, column);
  }
}
