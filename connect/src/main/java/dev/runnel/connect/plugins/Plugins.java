package dev.runnel.connect.plugins;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every plugin the worker can load: those on Runnel's own class path (found through their
 * {@code META-INF/services} manifests) and those under each {@code plugin.path} entry, one {@link
 * PluginClassLoader} per jar or per directory of jars. Plugins in a jar without manifests are found
 * by scanning its classes. Names resolve by full class name, simple class name, or simple name
 * without its "Connector"/"Converter" suffix (Kafka Connect's aliases).
 */
public final class Plugins {
  private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

  private final Map<String, PluginDesc> byClassName = new LinkedHashMap<>();
  private final Map<String, List<PluginDesc>> byAlias = new LinkedHashMap<>();
  private final List<PluginClassLoader> pluginLoaders = new ArrayList<>();

  /** {@code pluginPath}: directories whose children are plugins, or plugin jars themselves. */
  public Plugins(Collection<Path> pluginPath) {
    ClassLoader own = Plugins.class.getClassLoader();
    discoverServices(own, own);
    for (Path entry : pluginPath) {
      for (Path plugin : pluginLocations(entry)) {
        PluginClassLoader loader = new PluginClassLoader(plugin, urls(plugin), own);
        pluginLoaders.add(loader);
        int before = byClassName.size();
        discoverServices(loader, loader);
        if (byClassName.size() == before) {
          scan(loader, plugin);
        }
        LOG.info("plugin {}: {} plugin classes", plugin, byClassName.size() - before);
      }
    }
  }

  /** Plugins of one type, sorted by class name. */
  public List<PluginDesc> plugins(PluginType... types) {
    List<PluginDesc> out = new ArrayList<>();
    for (PluginDesc desc : byClassName.values()) {
      for (PluginType type : types) {
        if (desc.type() == type) {
          out.add(desc);
        }
      }
    }
    out.sort(Comparator.comparing(PluginDesc::className));
    return out;
  }

  /**
   * The plugin named {@code name} (class name or alias) that is a {@code type}; throws
   * ConnectException naming what was looked for when there is none or the alias is ambiguous.
   */
  public PluginDesc find(String name, PluginType... types) {
    PluginDesc exact = byClassName.get(name);
    if (exact != null && matches(exact, types)) {
      return exact;
    }
    List<PluginDesc> aliased =
        byAlias.getOrDefault(name, List.of()).stream().filter(d -> matches(d, types)).toList();
    if (aliased.size() == 1) {
      return aliased.get(0);
    }
    if (aliased.size() > 1) {
      throw new ConnectException(
          "'" + name + "' is ambiguous, use a full class name: "
              + aliased.stream().map(PluginDesc::className).toList());
    }
    if (exact == null) {
      PluginDesc loaded = loadByName(name, types);
      if (loaded != null) {
        return loaded;
      }
    }
    throw new ConnectException("Class " + name + " could not be found as a " + describe(types)
        + ". Known: " + plugins(types).stream().map(PluginDesc::className).toList());
  }

  /** A new instance of {@code desc}, created with its own loader as the context class loader. */
  public <T> T newInstance(PluginDesc desc, Class<T> apiType) {
    return withLoader(
        desc.loader(),
        () -> {
          try {
            Class<?> type = Class.forName(desc.className(), true, desc.loader());
            return apiType.cast(type.getDeclaredConstructor().newInstance());
          } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConnectException("could not instantiate " + desc.className() + ": " + e, e);
          }
        });
  }

  /** Runs {@code work} with {@code loader} as the thread's context class loader. */
  public static <T> T withLoader(ClassLoader loader, Supplier<T> work) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return work.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  public static void withLoader(ClassLoader loader, Runnable work) {
    withLoader(
        loader,
        () -> {
          work.run();
          return null;
        });
  }

  /** Closes the plugin class loaders (at worker shutdown). */
  public void close() {
    for (PluginClassLoader loader : pluginLoaders) {
      try {
        loader.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", loader, e.toString());
      }
    }
  }

  private static boolean matches(PluginDesc desc, PluginType[] types) {
    for (PluginType type : types) {
      if (desc.type() == type) {
        return true;
      }
    }
    return false;
  }

  private static String describe(PluginType[] types) {
    return Stream.of(types).map(PluginType::restName).toList().toString();
  }

  /** A class that is on the class path but has no manifest (e.g. a test's own transform). */
  private PluginDesc loadByName(String name, PluginType[] types) {
    try {
      Class<?> type = Class.forName(name, false, Plugins.class.getClassLoader());
      PluginType kind = PluginType.of(type);
      if (kind != null && matches(new PluginDesc(name, kind, "", null), types) && concrete(type)) {
        return register(type, type.getClassLoader());
      }
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
    return null;
  }

  private void discoverServices(ClassLoader loader, ClassLoader expectedLoader) {
    for (PluginType type : PluginType.values()) {
      ServiceLoader<?> services = ServiceLoader.load(type.apiType(), loader);
      try {
        for (ServiceLoader.Provider<?> provider : services.stream().toList()) {
          Class<?> implementation = provider.type();
          // A plugin loader also sees its parent's manifests; keep only its own classes there.
          if (loader instanceof PluginClassLoader && implementation.getClassLoader() != expectedLoader) {
            continue;
          }
          register(implementation, implementation.getClassLoader());
        }
      } catch (ServiceConfigurationError e) {
        LOG.warn("skipping a broken plugin manifest for {}: {}", type.apiType().getName(), e.getMessage());
      }
    }
  }

  private void scan(PluginClassLoader loader, Path plugin) {
    for (URL url : loader.getURLs()) {
      if (!url.getPath().endsWith(".jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(Path.of(url.toURI()).toFile())) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
          String entry = entries.nextElement().getName();
          if (!entry.endsWith(".class") || entry.contains("module-info") || entry.startsWith("META-INF")) {
            continue;
          }
          String className = entry.substring(0, entry.length() - 6).replace('/', '.');
          try {
            Class<?> type = Class.forName(className, false, loader);
            if (type.getClassLoader() == loader && PluginType.of(type) != null && concrete(type)) {
              register(type, loader);
            }
          } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("plugin {}: skipping {}: {}", plugin, className, e.toString());
          }
        }
      } catch (IOException | java.net.URISyntaxException e) {
        LOG.warn("plugin {}: cannot scan {}: {}", plugin, url, e.toString());
      }
    }
  }

  private static boolean concrete(Class<?> type) {
    int modifiers = type.getModifiers();
    if (Modifier.isAbstract(modifiers) || !Modifier.isPublic(modifiers) || type.isInterface()) {
      return false;
    }
    try {
      type.getConstructor();
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private PluginDesc register(Class<?> type, ClassLoader loader) {
    PluginType kind = PluginType.of(type);
    PluginDesc existing = byClassName.get(type.getName());
    if (existing != null) {
      return existing;
    }
    PluginDesc desc = new PluginDesc(type.getName(), kind, version(type, loader), loader);
    byClassName.put(type.getName(), desc);
    for (String alias : aliases(type)) {
      byAlias.computeIfAbsent(alias, a -> new ArrayList<>()).add(desc);
    }
    return desc;
  }

  private static List<String> aliases(Class<?> type) {
    String simple = type.getName().substring(type.getName().lastIndexOf('.') + 1);
    List<String> out = new ArrayList<>(List.of(simple));
    for (String suffix : List.of("Connector", "Converter", "Transformation")) {
      if (simple.endsWith(suffix) && simple.length() > suffix.length()) {
        out.add(simple.substring(0, simple.length() - suffix.length()));
      }
    }
    return out;
  }

  private static String version(Class<?> type, ClassLoader loader) {
    if (!Versioned.class.isAssignableFrom(type) || !concrete(type)) {
      return "undefined";
    }
    try {
      return withLoader(
          loader,
          () -> {
            try {
              return ((Versioned) type.getDeclaredConstructor().newInstance()).version();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
              return "undefined";
            }
          });
    } catch (RuntimeException e) {
      return "undefined";
    }
  }

  /** A plugin.path entry: a jar is one plugin; a directory holds plugins (jars or dirs of jars). */
  static List<Path> pluginLocations(Path entry) {
    if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
      return List.of(entry);
    }
    if (!Files.isDirectory(entry)) {
      throw new ConnectException("plugin.path entry " + entry + " is neither a directory nor a jar");
    }
    try (Stream<Path> children = Files.list(entry)) {
      return children
          .filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ConnectException("cannot list plugin.path entry " + entry + ": " + e.getMessage(), e);
    }
  }

  private static URL[] urls(Path plugin) {
    List<Path> jars = new ArrayList<>();
    if (Files.isDirectory(plugin)) {
      try (Stream<Path> files = Files.walk(plugin)) {
        files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
      } catch (IOException e) {
        throw new ConnectException("cannot list plugin " + plugin + ": " + e.getMessage(), e);
      }
    } else {
      jars.add(plugin);
    }
    try {
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        urls[i] = jars.get(i).toUri().toURL();
      }
      return urls;
    } catch (MalformedURLException e) {
      throw new IllegalStateException("a file path is always a valid URL: " + plugin, e);
    }
  }
}
