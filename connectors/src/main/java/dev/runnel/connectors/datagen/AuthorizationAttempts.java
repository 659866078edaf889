package dev.runnel.connectors.datagen;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A seeded, deterministic stream of card authorization attempts: mostly ordinary traffic spread
 * over a large pool of cards, plus a configurable share of fraud "bursts" in which one card makes
 * 4 to 6 attempts within about a minute (the pattern the streaming SQL demo's fraud query finds:
 * more than 3 attempts per card in a 5-minute window).
 *
 * <p>Pure: no clock and no I/O. Event time advances by exactly 1/rate per event from {@code
 * startMs}, so the same seed, rate and start time always give the same events, whatever the
 * wall clock does.
 */
public final class AuthorizationAttempts {
  /** One generated event; {@code tsMs} is its event time. */
  public record Attempt(String cardNumber, double amount, String merchant, long tsMs) {}

  static final int BURST_SIZE_MIN = 4;
  static final int BURST_SIZE_MAX = 6;
  /** Gap between two attempts of one burst, in event time: short enough to fall in one window. */
  static final long BURST_GAP_MS_MIN = 1_000;
  static final long BURST_GAP_MS_MAX = 10_000;

  private static final String[] MERCHANTS = {
    "Corner Coffee", "City Books", "Fresh Market", "Fuel Stop", "Metro Transit", "Pixel Games",
    "Green Grocer", "Sky Airlines", "Hotel Harbor", "Online Gadgets", "Pharmacy Plus", "Cinema 8"
  };

  /**
   * Ordinary traffic draws cards uniformly from a pool of N cards. With E events per 5-minute
   * window, about E^4 / (24 N^3) ordinary cards reach 4 attempts in a window by chance: with
   * N = 100 E that is E / 2.4e7 per window (under 0.001 at 50 events/s), so the fraud query
   * finds the bursts and practically nothing else.
   */
  public static long defaultCardsCount(int ratePerSec) {
    long eventsPerWindow = 300L * ratePerSec;
    return Math.max(100_000L, 100 * eventsPerWindow);
  }

  private final SplittableRandom random;
  private final double burstStartProbability;
  private final long cardsCount;
  private final long startMs;
  private final int ratePerSec;
  /** Attempts of running bursts, earliest due first (ties by creation order, for determinism). */
  private final PriorityQueue<PendingAttempt> pendingBurstAttempts = new PriorityQueue<>();
  private long position;
  private long burstsStarted;
  private long pendingSequence;

  public AuthorizationAttempts(long seed, double fraudShare, long cardsCount, long startMs, int ratePerSec) {
    if (fraudShare < 0 || fraudShare > 1 || cardsCount < 1 || ratePerSec < 1) {
      throw new IllegalArgumentException(
          "fraudShare " + fraudShare + ", cardsCount " + cardsCount + ", ratePerSec " + ratePerSec);
    }
    this.random = new SplittableRandom(seed);
    this.burstStartProbability = burstStartProbability(fraudShare);
    this.cardsCount = cardsCount;
    this.startMs = startMs;
    this.ratePerSec = ratePerSec;
  }

  /**
   * A slot that is not taken by a due burst attempt starts a new burst with probability q. With
   * mean burst size B, bursts start at r = q / (1 + q(B-1)) per slot and fraud attempts make up
   * r·B of all slots; solving r·B = share for q gives this.
   */
  static double burstStartProbability(double fraudShare) {
    double meanBurstSize = (BURST_SIZE_MIN + BURST_SIZE_MAX) / 2.0;
    double burstsPerSlot = fraudShare / meanBurstSize;
    return Math.min(1.0, burstsPerSlot / (1 - burstsPerSlot * (meanBurstSize - 1)));
  }

  /** How many events were generated so far (the source offset). */
  public long position() {
    return position;
  }

  /** Generates and drops events, to continue a stream from a stored position. */
  public void skip(long events) {
    for (long i = 0; i < events; i++) {
      next();
    }
  }

  public Attempt next() {
    long tsMs = startMs + Math.multiplyExact(position, 1000L) / ratePerSec;
    position++;
    PendingAttempt due = pendingBurstAttempts.peek();
    if (due != null && due.dueMs <= tsMs) {
      pendingBurstAttempts.poll();
      return burstAttempt(due.cardNumber, due.remaining, tsMs);
    }
    if (random.nextDouble() < burstStartProbability) {
      String card = cardNumber(cardsCount + burstsStarted++);
      int size = random.nextInt(BURST_SIZE_MIN, BURST_SIZE_MAX + 1);
      return burstAttempt(card, size, tsMs);
    }
    String card = cardNumber(random.nextLong(cardsCount));
    double amount = Math.min(5_000, Math.exp(3 + random.nextDouble() * 3));
    return new Attempt(card, cents(amount), merchant(), tsMs);
  }

  private Attempt burstAttempt(String card, int remaining, long tsMs) {
    if (remaining > 1) {
      long gapMs = random.nextLong(BURST_GAP_MS_MIN, BURST_GAP_MS_MAX + 1);
      pendingBurstAttempts.add(new PendingAttempt(tsMs + gapMs, pendingSequence++, card, remaining - 1));
    }
    // Card testing: fraudsters probe a stolen card with small amounts.
    return new Attempt(card, cents(1 + random.nextDouble() * 9), merchant(), tsMs);
  }

  private String merchant() {
    return MERCHANTS[random.nextInt(MERCHANTS.length)];
  }

  private static double cents(double amount) {
    return Math.round(amount * 100) / 100.0;
  }

  /** A 16-digit card number for card {@code index}: '4', 14 scrambled digits and a Luhn check digit. */
  static String cardNumber(long index) {
    long scrambled = Math.floorMod(mix(index), 100_000_000_000_000L);
    String body = "4" + String.format("%014d", scrambled);
    return body + luhnCheckDigit(body);
  }

  private static long mix(long value) {
    // SplitMix64's finaliser: distinct indexes give well-spread, distinct-looking numbers.
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static int luhnCheckDigit(String digits) {
    int sum = 0;
    boolean doubleIt = true;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int digit = digits.charAt(i) - '0';
      if (doubleIt) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
      doubleIt = !doubleIt;
    }
    return (10 - sum % 10) % 10;
  }

  private record PendingAttempt(long dueMs, long sequence, String cardNumber, int remaining)
      implements Comparable<PendingAttempt> {
    @Override
    public int compareTo(PendingAttempt other) {
      int byDue = Long.compare(dueMs, other.dueMs);
      return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
    }
  }
}
