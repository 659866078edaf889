package dev.runnel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code runnel --version}: the project version, filtered into a resource at build time. */
public final class RunnelVersion implements IVersionProvider {
  static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() throws IOException {
    Properties props = new Properties();
    try (InputStream in = RunnelVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the runnel-cli jar");
      }
      props.load(in);
    }
    return new String[] {
      "runnel " + props.getProperty("version") + " (Java " + Runtime.version() + ")"
    };
  }
}
