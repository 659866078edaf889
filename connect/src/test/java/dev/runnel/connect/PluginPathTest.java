package dev.runnel.connect;

import static dev.runnel.connect.ConnectTestSupport.props;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.connect.plugins.PluginClassLoader;
import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.plugins.PluginType;
import dev.runnel.connect.plugins.Plugins;
import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connector compiled by this test into a jar under plugin.path (no manifest: found by
 * scanning) runs in its own class loader, invisible to Runnel's.
 */
class PluginPathTest extends WithLocalNode {
  private static final String CONNECTOR = """
      package com.example.counting;
      import java.util.*;
      import org.apache.kafka.common.config.ConfigDef;
      import org.apache.kafka.connect.connector.Task;
      import org.apache.kafka.connect.source.SourceConnector;
      public class CountingSourceConnector extends SourceConnector {
        private Map<String, String> props;
        public void start(Map<String, String> props) { this.props = props; }
        public Class<? extends Task> taskClass() { return CountingSourceTask.class; }
        public List<Map<String, String>> taskConfigs(int max) { return List.of(props); }
        public void stop() {}
        public ConfigDef config() {
          return new ConfigDef().define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "topic");
        }
        public String version() { return "7.7.7"; }
      }
      """;
  private static final String TASK = """
      package com.example.counting;
      import java.util.*;
      import org.apache.kafka.connect.data.Schema;
      import org.apache.kafka.connect.source.*;
      public class CountingSourceTask extends SourceTask {
        private String topic; private long next;
        public void start(Map<String, String> props) {
          topic = props.get("topic");
          Map<String, Object> offset = context.offsetStorageReader().offset(Map.of("counter", "c"));
          next = offset == null ? 0 : (Long) offset.get("n") + 1;
        }
        public List<SourceRecord> poll() throws InterruptedException {
          if (next >= 3) { Thread.sleep(50); return null; }
          String loader = String.valueOf(getClass().getClassLoader());
          long n = next++;
          return List.of(new SourceRecord(Map.of("counter", "c"), Map.of("n", n), topic,
              Schema.STRING_SCHEMA, n + " " + loader));
        }
        public void stop() {}
        public String version() { return "7.7.7"; }
      }
      """;

  static Path pluginDir;

  @BeforeAll
  static void buildPlugin() throws Exception {
    pluginDir = dir.resolve("plugins");
    buildJar(pluginDir.resolve("counting").resolve("counting-connector.jar"));
  }

  static void buildJar(Path jar) throws IOException {
    Path src = dir.resolve("src/com/example/counting");
    Files.createDirectories(src);
    Files.writeString(src.resolve("CountingSourceConnector.java"), CONNECTOR);
    Files.writeString(src.resolve("CountingSourceTask.java"), TASK);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int exit = javac.run(null, null, null, "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
        src.resolve("CountingSourceConnector.java").toString(), src.resolve("CountingSourceTask.java").toString());
    assertEquals(0, exit, "javac failed");
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, (OutputStream) out);
        out.closeEntry();
      }
    }
  }

  @Test
  void theConnectorLoadsInItsOwnClassLoader_andRuns() {
    Plugins plugins = new Plugins(List.of(pluginDir));
    try {
      PluginDesc desc = plugins.find("CountingSource", PluginType.SOURCE);
      assertEquals("com.example.counting.CountingSourceConnector", desc.className());
      assertEquals("7.7.7", desc.version());
      PluginClassLoader loader = assertInstanceOf(PluginClassLoader.class, desc.loader());
      assertEquals(pluginDir.resolve("counting"), loader.location());
      // Runnel's own loader cannot see the plugin's classes.
      assertThrows(ClassNotFoundException.class, () -> Class.forName(desc.className()));
    } finally {
      plugins.close();
    }

    Map<String, String> worker = ConnectTestSupport.workerProps(node, dir);
    worker.put("plugin.path", pluginDir.toString());
    worker.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    try (ConnectStandalone standalone = ConnectStandalone.start(worker, List.of())) {
      RestClient rest = new RestClient(standalone.restPort());
      assertTrue(rest.get("/connector-plugins").raw().contains("com.example.counting.CountingSourceConnector"));
      RestClient.Response created = rest.post("/connectors", RestClient.json(Map.of("name", "counting",
          "config", props("connector.class", "CountingSourceConnector", "topic", "counted"))));
      assertEquals(201, created.status(), created.raw());
      List<String> values = new ArrayList<>();
      try (Consumer consumer = Consumer.builder().bootstrap(node.bootstrap())
          .autoOffsetReset(Consumer.OffsetReset.EARLIEST).build()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> topicExists("counted"));
        consumer.subscribe("counted");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          for (ConsumerRecord record : consumer.poll(Duration.ofMillis(200))) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
          }
          return values.size() >= 3;
        });
      }
      assertEquals(3, values.size());
      for (int i = 0; i < 3; i++) {
        assertTrue(values.get(i).startsWith(i + " PluginClassLoader(" + pluginDir.resolve("counting")), values.get(i));
      }
    }
  }

  @Test
  void theConnectApiComesFromTheParent_theRestFromThePlugin() throws Exception {
    Plugins plugins = new Plugins(List.of(pluginDir));
    try {
      ClassLoader loader = plugins.find("com.example.counting.CountingSourceConnector", PluginType.SOURCE).loader();
      assertEquals(org.apache.kafka.connect.source.SourceConnector.class,
          loader.loadClass("org.apache.kafka.connect.source.SourceConnector"));
      assertEquals(loader, loader.loadClass("com.example.counting.CountingSourceTask").getClassLoader());
      assertFalse(plugins.plugins(PluginType.SOURCE).stream().noneMatch(p -> p.loader() == loader));
    } finally {
      plugins.close();
    }
  }

  boolean topicExists(String topic) {
    try (dev.runnel.sdk.Admin admin = dev.runnel.sdk.Admin.create(node.bootstrap())) {
      admin.describeTopic(topic);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
