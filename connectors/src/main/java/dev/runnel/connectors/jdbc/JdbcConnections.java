package dev.runnel.connectors.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.ServiceLoader;

/** Opens JDBC connections with the drivers visible to this plugin's own class loader. */
final class JdbcConnections {
  private JdbcConnections() {}

  static Connection open(String url, String user, String password) throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    // DriverManager registers drivers from the system class loader once; when this jar is
    // loaded from plugin.path in its own class loader, its drivers are only found this way.
    for (Driver driver : ServiceLoader.load(Driver.class, JdbcConnections.class.getClassLoader())) {
      if (driver.acceptsURL(url)) {
        Connection connection = driver.connect(url, properties);
        if (connection != null) {
          return connection;
        }
      }
    }
    return DriverManager.getConnection(url, properties);
  }
}
