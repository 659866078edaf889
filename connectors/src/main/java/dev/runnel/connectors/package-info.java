/**
 * Runnel's built-in connectors, written against the plain Kafka Connect API and nothing else
 * from Runnel, so they load like any third-party plugin (from {@code plugin.path} or the class
 * path): {@link dev.runnel.connectors.jdbc.JdbcSourceConnector},
 * {@link dev.runnel.connectors.jdbc.JdbcSinkConnector},
 * {@link dev.runnel.connectors.http.HttpSinkConnector} and
 * {@link dev.runnel.connectors.datagen.DatagenConnector}. See docs/connectors.md.
 */
package dev.runnel.connectors;
