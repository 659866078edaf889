package dev.runnel.connect.plugins;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * The class loader of one plugin (a jar, or a directory of jars under {@code plugin.path}).
 * Child-first for the plugin's own classes, so a plugin may bring a library version that differs
 * from Runnel's; parent-first for the JDK and for the Connect API, because the runtime and the
 * plugin must agree on one {@code Connector}, {@code Struct}, {@code Converter} ... class.
 */
public final class PluginClassLoader extends URLClassLoader {
  static {
    ClassLoader.registerAsParallelCapable();
  }

  /** Prefixes always taken from the parent: the JDK, the Connect/Kafka API, logging. */
  private static final String[] PARENT_FIRST = {
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.", "org.xml.",
    "org.apache.kafka.connect.", "org.apache.kafka.common.", "org.apache.kafka.clients.",
    "org.slf4j."
  };

  private final Path location;

  public PluginClassLoader(Path location, URL[] urls, ClassLoader parent) {
    super("plugin:" + location.getFileName(), urls, parent);
    this.location = location;
  }

  /** The jar or directory this loader was made for. */
  public Path location() {
    return location;
  }

  static boolean parentFirst(String className) {
    for (String prefix : PARENT_FIRST) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (parentFirst(name)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        try {
          loaded = findClass(name);
        } catch (ClassNotFoundException notInPlugin) {
          loaded = getParent().loadClass(name);
        }
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  @Override
  public URL getResource(String name) {
    // Child-first for resources too (e.g. META-INF/services of the plugin before the runtime's).
    URL own = findResource(name);
    return own != null ? own : super.getResource(name);
  }

  @Override
  public String toString() {
    return "PluginClassLoader(" + location + ")";
  }
}
