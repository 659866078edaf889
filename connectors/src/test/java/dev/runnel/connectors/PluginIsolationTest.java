package dev.runnel.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectors loaded the way a Connect runtime loads a plugin from plugin.path: in their own
 * class loader, whose parent has the Connect API and nothing of the plugin's dependencies. The
 * JDBC drivers must then come from the plugin's loader; DriverManager alone would refuse them.
 */
class PluginIsolationTest {
  @TempDir Path dir;

  private static URL jarOf(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @Test
  void connectors_and_their_jdbc_drivers_work_from_an_isolated_plugin_class_loader() throws Exception {
    URL[] runtime = {jarOf(Connector.class), jarOf(ConfigDef.class), jarOf(org.slf4j.Logger.class)};
    URL[] plugin = {jarOf(ConnectorVersion.class), jarOf(org.sqlite.JDBC.class), jarOf(org.postgresql.Driver.class),
        jarOf(ObjectMapper.class), jarOf(JsonFactory.class), jarOf(JsonProperty.class)};
    try (URLClassLoader runtimeLoader = new URLClassLoader(runtime, ClassLoader.getPlatformClassLoader());
        URLClassLoader pluginLoader = new URLClassLoader(plugin, runtimeLoader)) {
      Class<?> sink = pluginLoader.loadClass("dev.runnel.connectors.jdbc.JdbcSinkConnector");
      assertNotSame(dev.runnel.connectors.jdbc.JdbcSinkConnector.class, sink, "a separate copy of the plugin");
      Class<?> runtimeConnector = Class.forName(Connector.class.getName(), false, pluginLoader);
      assertSame(runtimeLoader, runtimeConnector.getClassLoader(), "the Connect API comes from the runtime");
      assertTrue(runtimeConnector.isAssignableFrom(sink));
      Object connector = sink.getConstructor().newInstance();
      assertEquals(ConnectorVersion.get(), sink.getMethod("version").invoke(connector));
      sink.getMethod("start", Map.class).invoke(connector, Map.of("connection.url", "jdbc:sqlite:x"));
      List<?> taskConfigs = (List<?>) sink.getMethod("taskConfigs", int.class).invoke(connector, 2);
      assertEquals(2, taskConfigs.size());

      for (String name : List.of("dev.runnel.connectors.jdbc.JdbcSourceConnector",
          "dev.runnel.connectors.http.HttpSinkConnector", "dev.runnel.connectors.datagen.DatagenConnector")) {
        Class<?> type = pluginLoader.loadClass(name);
        Object config = type.getMethod("config").invoke(type.getConstructor().newInstance());
        assertTrue(config.getClass().getClassLoader() == runtimeLoader, name + " returns the runtime's ConfigDef");
      }

      Class<?> connections = pluginLoader.loadClass("dev.runnel.connectors.jdbc.JdbcConnections");
      Method open = connections.getDeclaredMethod("open", String.class, String.class, String.class);
      open.setAccessible(true);
      try (Connection connection = (Connection) open.invoke(null, "jdbc:sqlite:" + dir.resolve("p.db"), null, null);
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT 41 + 1")) {
        assertSame(pluginLoader, connection.getClass().getClassLoader(), "the plugin's own driver");
        result.next();
        assertEquals(42, result.getInt(1));
      }
    }
  }
}
