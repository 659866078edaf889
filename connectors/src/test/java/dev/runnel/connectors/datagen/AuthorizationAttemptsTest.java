package dev.runnel.connectors.datagen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.connectors.datagen.AuthorizationAttempts.Attempt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generator alone: determinism, the fraud share, and what the fraud query would find. */
class AuthorizationAttemptsTest {
  static final long START_MS = 1_700_000_100_000L;
  static final long WINDOW_MS = 5 * 60_000L;

  static List<Attempt> generate(long seed, double fraudShare, int count, int ratePerSec) {
    AuthorizationAttempts generator = new AuthorizationAttempts(
        seed, fraudShare, AuthorizationAttempts.defaultCardsCount(ratePerSec), START_MS, ratePerSec);
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      attempts.add(generator.next());
    }
    return attempts;
  }

  /**
   * What the demo's fraud query returns: cards with more than 3 attempts in one 5-minute
   * tumbling window, as (window start, card) → attempts.
   */
  static Map<String, Integer> flagged(List<Attempt> attempts) {
    Map<String, Integer> perWindowAndCard = new HashMap<>();
    for (Attempt attempt : attempts) {
      long window = Math.floorDiv(attempt.tsMs(), WINDOW_MS) * WINDOW_MS;
      perWindowAndCard.merge(window + "/" + attempt.cardNumber(), 1, Integer::sum);
    }
    perWindowAndCard.values().removeIf(count -> count <= 3);
    return perWindowAndCard;
  }

  @Test
  void the_same_seed_gives_the_same_events_and_another_seed_others() {
    assertEquals(generate(42, 0.1, 2_000, 50), generate(42, 0.1, 2_000, 50));
    assertNotEquals(generate(42, 0.1, 2_000, 50), generate(43, 0.1, 2_000, 50));
  }

  @Test
  void skipping_continues_the_same_stream() {
    List<Attempt> whole = generate(7, 0.2, 300, 10);
    AuthorizationAttempts resumed =
        new AuthorizationAttempts(7, 0.2, AuthorizationAttempts.defaultCardsCount(10), START_MS, 10);
    resumed.skip(200);
    assertEquals(200, resumed.position());
    for (int i = 200; i < 300; i++) {
      assertEquals(whole.get(i), resumed.next());
    }
  }

  @Test
  void event_time_advances_by_one_over_the_rate() {
    List<Attempt> attempts = generate(1, 0.05, 21, 20);
    assertEquals(START_MS, attempts.get(0).tsMs());
    assertEquals(START_MS + 1_000, attempts.get(20).tsMs());
  }

  @Test
  void the_fraud_share_comes_as_bursts_the_fraud_query_flags() {
    // 60,000 events at 50/s: 20 minutes of event time.
    List<Attempt> attempts = generate(2024, 0.08, 60_000, 50);
    Map<String, Integer> flagged = flagged(attempts);
    long flaggedAttempts = flagged.values().stream().mapToLong(Integer::longValue).sum();
    double share = (double) flaggedAttempts / attempts.size();
    // Bursts straddling a window boundary are not flagged, so a little under 8%.
    assertTrue(share > 0.06 && share < 0.09, "flagged share " + share);
    assertTrue(flagged.size() > 500, "bursts: " + flagged.size());

    // A burst is one card making 4-6 small attempts within about a minute.
    Map<String, List<Attempt>> byCard = new HashMap<>();
    attempts.forEach(attempt -> byCard.computeIfAbsent(attempt.cardNumber(), card -> new ArrayList<>()).add(attempt));
    List<Attempt> burst = byCard.values().stream().filter(list -> list.size() >= 4).findFirst().orElseThrow();
    assertTrue(burst.size() <= AuthorizationAttempts.BURST_SIZE_MAX);
    assertTrue(burst.get(burst.size() - 1).tsMs() - burst.get(0).tsMs() < 75_000, "burst spans " + burst);
    assertTrue(burst.stream().allMatch(attempt -> attempt.amount() < 10), "card testing uses small amounts");
  }

  @Test
  void without_fraud_no_card_is_flagged() {
    assertEquals(Map.of(), flagged(generate(99, 0.0, 60_000, 50)));
  }

  @Test
  void card_numbers_have_16_digits_and_a_valid_luhn_check_digit() {
    for (Attempt attempt : generate(5, 0.5, 1_000, 100)) {
      String card = attempt.cardNumber();
      assertEquals(16, card.length(), card);
      assertEquals(card.charAt(15) - '0', AuthorizationAttempts.luhnCheckDigit(card.substring(0, 15)), card);
      assertTrue(attempt.amount() > 0 && attempt.amount() <= 5_000);
    }
    assertEquals(3, AuthorizationAttempts.luhnCheckDigit("7992739871"), "the textbook example");
  }

  @Test
  void the_pacer_releases_events_at_the_rate() {
    EmissionPacer pacer = new EmissionPacer(100, 1_000_000_000L);
    assertEquals(1, pacer.dueCount(1_000_000_000L), "the first event is due at once");
    assertEquals(51, pacer.dueCount(1_500_000_000L));
    assertEquals(101, pacer.dueCount(2_000_000_000L));
    assertEquals(10_000_000L, pacer.nanosUntilDue(1, 1_000_000_000L));
    assertEquals(0, pacer.nanosUntilDue(1, 2_000_000_000L));
  }
}
