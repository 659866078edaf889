package dev.runnel.connect;

/** The version the REST API and the built-in plugins report. */
public final class ConnectVersion {
  private ConnectVersion() {}

  public static String get() {
    String version = ConnectVersion.class.getPackage().getImplementationVersion();
    return version == null ? "0.1.0-SNAPSHOT" : version;
  }
}
