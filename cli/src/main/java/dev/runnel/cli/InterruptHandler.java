package dev.runnel.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) in the SQL shell: it runs our action instead of stopping the JVM. sun.misc.Signal
 * is the only way the JDK offers to handle a signal; where it is refused (some platforms, or when
 * the JVM runs with -Xrs) Ctrl-C keeps its default meaning.
 */
@SuppressWarnings("sunapi")
final class InterruptHandler {
  private InterruptHandler() {}

  /** Returns the previous handler, for {@link #restore}; null when the signal cannot be handled here. */
  static Object install(Runnable action) {
    try {
      return Signal.handle(new Signal("INT"), signal -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return null;
    }
  }

  static void restore(Object previous) {
    if (previous instanceof SignalHandler handler) {
      Signal.handle(new Signal("INT"), handler);
    }
  }
}
