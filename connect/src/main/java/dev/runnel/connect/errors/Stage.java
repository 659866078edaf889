package dev.runnel.connect.errors;

/** Where in a record's journey an error happened (Kafka Connect's stage names). */
public enum Stage {
  KEY_CONVERTER,
  VALUE_CONVERTER,
  HEADER_CONVERTER,
  TRANSFORMATION,
  TASK_POLL,
  TASK_PUT,
  KAFKA_PRODUCE,
  KAFKA_CONSUME
}
