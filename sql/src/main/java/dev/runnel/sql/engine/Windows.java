package dev.runnel.sql.engine;

import dev.runnel.sql.ast.WindowSpec;
import java.util.ArrayList;
import java.util.List;

/** Which time windows a timestamp falls in. Pure. */
final class Windows {
  private Windows() {}

  /** [start, end) pairs: one for TUMBLING, size/advance for HOPPING (oldest first). */
  static List<long[]> assign(WindowSpec w, long tsMs) {
    List<long[]> out = new ArrayList<>();
    long advance = w.type() == WindowSpec.Type.TUMBLING ? w.sizeMs() : w.advanceMs();
    long lastStart = tsMs - Math.floorMod(tsMs, advance);
    for (long start = lastStart - ((w.sizeMs() - 1) / advance) * advance; start <= lastStart; start += advance) {
      if (start >= 0 && tsMs < start + w.sizeMs()) {
        out.add(new long[] {start, start + w.sizeMs()});
      }
    }
    return out;
  }
}
