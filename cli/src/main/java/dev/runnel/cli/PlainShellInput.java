package dev.runnel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Lines read as they are, for stdin that is not a terminal (a pipe, a file, a test): no editing and
 * no recall; Ctrl-C is caught with {@link InterruptHandler}.
 */
final class PlainShellInput implements ShellInput {
  private final BufferedReader in;
  private final PrintWriter out;
  private Object previousHandler;
  private boolean handlerInstalled;

  PlainShellInput(InputStream in, PrintWriter out) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = out;
  }

  @Override
  public String readLine(String prompt) throws IOException {
    out.print(prompt);
    out.flush();
    return in.readLine();
  }

  @Override
  public void recall(List<String> statements) {
    // Plain lines have no recall; history; lists the statements instead.
  }

  @Override
  public void remember(String statement) {
    // As above.
  }

  @Override
  public void onInterrupt(Runnable action) {
    previousHandler = InterruptHandler.install(action);
    handlerInstalled = true;
  }

  @Override
  public void close() {
    if (handlerInstalled) {
      InterruptHandler.restore(previousHandler);
      handlerInstalled = false;
    }
  }
}
