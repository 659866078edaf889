package dev.runnel.connect.plugins;

/** One loadable plugin class: where it came from and what it is. */
public record PluginDesc(String className, PluginType type, String version, ClassLoader loader) {}
