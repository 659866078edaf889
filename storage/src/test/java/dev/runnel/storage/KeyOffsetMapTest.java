package dev.runnel.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyOffsetMapTest {
  private static ByteBuffer key(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheLatestOffsetPerKey() {
    KeyOffsetMap map = new KeyOffsetMap(24 * 1024);
    map.put(key("a"), 5);
    map.put(key("b"), 6);
    map.put(key("a"), 9);
    map.put(key("a"), 7); // older than what is known: ignored
    assertEquals(9, map.get(key("a")));
    assertEquals(6, map.get(key("b")));
    assertEquals(-1, map.get(key("c")));
    assertEquals(2, map.size());
    map.clear();
    assertEquals(-1, map.get(key("a")));
    assertEquals(0, map.size());
  }

  @Test
  void memoryIsCappedAndAFullMapSaysSo() {
    KeyOffsetMap map = new KeyOffsetMap(24 * 100);
    assertEquals(75, map.entriesMax(), "100 slots at a load factor of 0.75");
    for (int i = 0; i < 75; i++) {
      assertTrue(map.fits(1));
      map.put(key("k" + i), i);
    }
    assertFalse(map.fits(1));
    assertTrue(map.fits(0));
    map.put(key("k3"), 100); // an existing key still updates
    assertEquals(100, map.get(key("k3")));
    assertThrows(IllegalStateException.class, () -> map.put(key("new"), 1));
    for (int i = 0; i < 75; i++) {
      assertEquals(i == 3 ? 100 : i, map.get(key("k" + i)), "key k" + i);
    }
  }

  @Test
  void refusesATooSmallBuffer() {
    assertThrows(IllegalArgumentException.class, () -> new KeyOffsetMap(24 * 15));
  }
}
