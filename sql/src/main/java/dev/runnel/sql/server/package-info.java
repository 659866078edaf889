/**
 * The SQL server: {@link dev.runnel.sql.server.SqlServer} (REST in the shape of ksqlDB's) and
 * {@link dev.runnel.sql.server.SqlServerConfig}. Everything else here is internal: the command
 * topic that servers of one service share, the push query stream, pull queries, JSON shapes.
 */
package dev.runnel.sql.server;
