package dev.runnel.sql.format;

/** Encodes the values of a fixed list of columns to bytes and back. Throws SqlException on bad data. */
public interface Serde {
  byte[] encode(Object[] values);

  Object[] decode(byte[] bytes);
}
