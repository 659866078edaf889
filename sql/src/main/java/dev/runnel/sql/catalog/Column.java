package dev.runnel.sql.catalog;

import dev.runnel.sql.types.SqlType;

/** A column of a stream or table; {@code key} columns live in the record key. */
public record Column(String name, SqlType type, boolean key) {}
