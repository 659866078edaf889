package dev.runnel.connect.herder;

/**
 * An expected failure of a herder request, with the HTTP status the REST API answers (Kafka
 * Connect's codes: 400 bad request, 404 unknown connector, 409 conflict).
 */
public final class HerderException extends RuntimeException {
  private final int httpStatus;

  public HerderException(int httpStatus, String message) {
    super(message);
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public static HerderException notFound(String connector) {
    return new HerderException(404, "Connector " + connector + " not found");
  }

  public static HerderException badRequest(String message) {
    return new HerderException(400, message);
  }

  public static HerderException conflict(String message) {
    return new HerderException(409, message);
  }
}
