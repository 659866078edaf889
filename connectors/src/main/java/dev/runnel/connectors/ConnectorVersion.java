package dev.runnel.connectors;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version every built-in connector and task reports: the Maven project version. */
public final class ConnectorVersion {
  private static final String VERSION = load();

  private ConnectorVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    // The resource is filtered by Maven; reading it (not the jar manifest) also works from
    // target/classes, which is what tests and an exploded plugin directory see.
    try (InputStream in = ConnectorVersion.class.getResourceAsStream("/runnel-connectors.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
