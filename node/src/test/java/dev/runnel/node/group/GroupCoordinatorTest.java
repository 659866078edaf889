package dev.runnel.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.node.RunnelError;
import dev.runnel.proto.v1.ErrorReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupCoordinatorTest {
  private static final int SESSION_MS = 3_000;
  private static final int REBALANCE_MS = 5_000;
  private static final String G = "g";

  private final AtomicInteger ids = new AtomicInteger();
  private final GroupCoordinator coordinator =
      new GroupCoordinator(new GroupLimits(SESSION_MS, 1_000, 60_000, REBALANCE_MS, 5, 2), () -> "m" + ids.incrementAndGet());
  private long nowMs = 1_000;

  private FakeMember join(String staticId, String... topics) {
    FakeMember member = new FakeMember();
    coordinator.join(new JoinSpec(G, Set.of(topics), "", staticId, 0, 0, "test"), member, nowMs);
    return member;
  }

  /** Every member applies and acknowledges what it was sent, until nothing is pending. */
  private void settle(List<FakeMember> members) {
    boolean progress = true;
    while (progress) {
      progress = false;
      for (FakeMember m : members) {
        progress |= m.applyNext(coordinator, G, nowMs);
      }
      checkNoPartitionHeldTwice(members);
    }
  }

  private static void checkNoPartitionHeldTwice(List<FakeMember> members) {
    Set<TopicPartition> held = new HashSet<>();
    for (FakeMember m : members) {
      if (!m.closed) {
        for (TopicPartition tp : m.applied) {
          assertTrue(held.add(tp), tp + " is held by two members at once");
        }
      }
    }
  }

  @Test
  void threeMembersSplitSixPartitions_thenAFourthMovesOnlyOnePartition() {
    coordinator.topicsChanged(Map.of("t", 6), nowMs);
    List<FakeMember> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(join("", "t"));
      settle(members);
    }
    members.forEach(m -> assertEquals(2, m.applied.size()));
    assertEquals(GroupView.State.STABLE, coordinator.describe(G).state());

    int[] before = members.stream().mapToInt(m -> m.assignmentsReceived).toArray();
    FakeMember fourth = join("", "t");
    members.add(fourth);
    // Step 1: exactly one member is asked to give a partition up; the newcomer gets nothing yet.
    int revoked = 0;
    for (int i = 0; i < 3; i++) {
      FakeMember m = members.get(i);
      if (m.assignmentsReceived > before[i]) {
        revoked++;
        assertEquals(1, m.inbox.peek().partitions().size());
      }
    }
    assertEquals(1, revoked, "only the member giving a partition up hears about the rebalance");
    assertTrue(fourth.inbox.peek().partitions().isEmpty());
    assertEquals(GroupView.State.RECONCILING, coordinator.describe(G).state());
    settle(members);
    assertEquals(1, fourth.applied.size());
    assertEquals(GroupView.State.STABLE, coordinator.describe(G).state());
  }

  @Test
  void aMemberThatStopsHeartbeatingIsRemovedAfterItsSessionTimeout() {
    coordinator.topicsChanged(Map.of("t", 4), nowMs);
    FakeMember a = join("", "t");
    FakeMember b = join("", "t");
    settle(List.of(a, b));
    nowMs += SESSION_MS - 1;
    coordinator.heartbeat(G, a.memberId, nowMs);
    coordinator.tick(nowMs);
    assertFalse(b.closed, "within its session timeout");
    nowMs += 2;
    coordinator.tick(nowMs);
    assertTrue(b.closed);
    assertEquals(ErrorReason.UNKNOWN_MEMBER, b.closedWith.reason(), "it may rejoin");
    settle(List.of(a));
    assertEquals(4, a.applied.size(), "the dead member's partitions moved without waiting for it");
  }

  @Test
  void aMemberThatDoesNotAcknowledgeARevocationIsRemovedAfterTheRebalanceTimeout() {
    coordinator.topicsChanged(Map.of("t", 2), nowMs);
    FakeMember a = join("", "t");
    settle(List.of(a));
    FakeMember b = join("", "t");
    // a never applies the revocation; both keep heartbeating.
    for (int i = 0; i <= REBALANCE_MS / 1000; i++) {
      nowMs += 1_000;
      coordinator.heartbeat(G, a.memberId, nowMs);
      coordinator.heartbeat(G, b.memberId, nowMs);
      coordinator.tick(nowMs);
    }
    assertTrue(a.closed);
    assertTrue(a.closedWith.getMessage().contains("rebalance_timeout_ms"), a.closedWith.getMessage());
    settle(List.of(b));
    assertEquals(2, b.applied.size());
  }

  @Test
  void commitsAreFencedByMembershipOwnershipAndGeneration() {
    coordinator.topicsChanged(Map.of("t", 2), nowMs);
    FakeMember a = join("", "t");
    settle(List.of(a));
    TopicPartition p0 = new TopicPartition("t", 0);
    TopicPartition p1 = new TopicPartition("t", 1);
    coordinator.checkCommit(G, a.memberId, a.appliedGeneration, List.of(p0, p1));
    assertEquals(
        ErrorReason.UNKNOWN_MEMBER,
        assertThrows(RunnelError.class, () -> coordinator.checkCommit(G, "nobody", 1, List.of(p0))).reason());
    assertEquals(
        ErrorReason.UNKNOWN_MEMBER,
        assertThrows(RunnelError.class, () -> coordinator.checkCommit(G, "", 0, List.of(p0))).reason(),
        "simple commits are refused while the group has members");

    FakeMember b = join("", "t");
    long oldGeneration = a.appliedGeneration;
    settle(List.of(a, b));
    TopicPartition moved = b.applied.first();
    RunnelError fenced =
        assertThrows(RunnelError.class, () -> coordinator.checkCommit(G, a.memberId, oldGeneration, List.of(moved)));
    assertEquals(ErrorReason.FENCED_MEMBER, fenced.reason());
    assertTrue(fenced.getMessage().contains("does not own"), fenced.getMessage());
    coordinator.checkCommit(G, b.memberId, b.appliedGeneration, List.of(moved));
    RunnelError stale =
        assertThrows(RunnelError.class, () -> coordinator.checkCommit(G, b.memberId, oldGeneration, List.of(moved)));
    assertTrue(stale.getMessage().contains("stale generation"), stale.getMessage());

    coordinator.leave(G, a.memberId, nowMs);
    coordinator.leave(G, b.memberId, nowMs);
    coordinator.checkCommit(G, "", 0, List.of(p0));
    assertEquals(0, coordinator.groupCount(), "an empty group is forgotten");
  }

  @Test
  void aRevokedPartitionMayBeCommittedUntilTheRevocationIsAcknowledged() {
    coordinator.topicsChanged(Map.of("t", 2), nowMs);
    FakeMember a = join("", "t");
    settle(List.of(a));
    join("", "t");
    SortedSet<TopicPartition> keeps = a.inbox.peek().partitions();
    TopicPartition leaving = a.applied.stream().filter(tp -> !keeps.contains(tp)).findFirst().orElseThrow();
    coordinator.checkCommit(G, a.memberId, a.inbox.peek().generation(), List.of(leaving));
    assertEquals(List.of(leaving), List.copyOf(coordinator.describe(G).members().get(0).revoking()));
    a.applyNext(coordinator, G, nowMs);
    assertThrows(RunnelError.class, () -> coordinator.checkCommit(G, a.memberId, a.appliedGeneration, List.of(leaving)));
  }

  @Test
  void aStaticMemberComingBackWithinItsSessionTimeoutKeepsItsPartitionsAndNobodyElseHears() {
    coordinator.topicsChanged(Map.of("t", 6), nowMs);
    FakeMember a = join("host-a", "t");
    FakeMember b = join("", "t");
    settle(List.of(a, b));
    SortedSet<TopicPartition> aHad = a.applied;
    int bMessages = b.assignmentsReceived;

    coordinator.disconnected(G, a.memberId, nowMs);
    nowMs += SESSION_MS / 2;
    coordinator.heartbeat(G, b.memberId, nowMs);
    coordinator.tick(nowMs);
    FakeMember again = join("host-a", "t");
    settle(List.of(again, b));
    assertEquals(aHad, again.applied);
    assertEquals(bMessages, b.assignmentsReceived, "no rebalance for the others");
    assertEquals(
        ErrorReason.UNKNOWN_MEMBER,
        assertThrows(RunnelError.class, () -> coordinator.checkCommit(G, a.memberId, a.appliedGeneration, aHad)).reason(),
        "the old instance's id is fenced");

    coordinator.disconnected(G, again.memberId, nowMs);
    nowMs += SESSION_MS + 1;
    coordinator.heartbeat(G, b.memberId, nowMs);
    coordinator.tick(nowMs);
    settle(List.of(b));
    assertEquals(6, b.applied.size(), "after its session timeout the static member's partitions move");
  }

  @Test
  void aSecondInstanceOfAStaticMemberReplacesTheFirst() {
    coordinator.topicsChanged(Map.of("t", 2), nowMs);
    FakeMember first = join("host-a", "t");
    settle(List.of(first));
    FakeMember second = join("host-a", "t");
    assertTrue(first.closed);
    assertEquals(ErrorReason.FENCED_MEMBER, first.closedWith.reason());
    settle(List.of(second));
    assertEquals(2, second.applied.size());
  }

  @Test
  void missingTopicsAreAssignedOnceTheyExist() {
    FakeMember a = join("", "later");
    settle(List.of(a));
    assertTrue(a.applied.isEmpty());
    coordinator.topicsChanged(Map.of("later", 3), nowMs);
    settle(List.of(a));
    assertEquals(3, a.applied.size());
    coordinator.topicsChanged(Map.of(), nowMs);
    settle(List.of(a));
    assertTrue(a.applied.isEmpty(), "a deleted topic's partitions are revoked");
  }

  @Test
  void patternSubscriptionsFollowTheTopics() {
    coordinator.topicsChanged(Map.of("orders-eu", 1, "orders-us", 1, "other", 1), nowMs);
    FakeMember a = new FakeMember();
    coordinator.join(new JoinSpec(G, Set.of(), "orders-.*", "", 0, 0, ""), a, nowMs);
    settle(List.of(a));
    assertEquals(Set.of("orders-eu", "orders-us"), topicsOf(a.applied));
    coordinator.changeSubscription(G, a.memberId, List.of("other"), "", nowMs);
    settle(List.of(a));
    assertEquals(Set.of("other"), topicsOf(a.applied));
  }

  @Test
  void limitsAndBadInputGetClearErrors() {
    for (int i = 0; i < 5; i++) {
      join("", "t");
    }
    RunnelError full = assertThrows(RunnelError.class, () -> join("", "t"));
    assertEquals(ErrorReason.GROUP_LIMIT_REACHED, full.reason());
    assertTrue(full.getMessage().contains("group.members.max"));
    coordinator.join(new JoinSpec("g2", Set.of("t"), "", "", 0, 0, ""), new FakeMember(), nowMs);
    RunnelError tooMany =
        assertThrows(
            RunnelError.class,
            () -> coordinator.join(new JoinSpec("g3", Set.of("t"), "", "", 0, 0, ""), new FakeMember(), nowMs));
    assertTrue(tooMany.getMessage().contains("groups.max"));
    assertInvalid(new JoinSpec("", Set.of("t"), "", "", 0, 0, ""), "group must be");
    assertInvalid(new JoinSpec("g4", Set.of(), "", "", 0, 0, ""), "subscribe to at least one topic");
    assertInvalid(new JoinSpec("g4", Set.of(), "(", "", 0, 0, ""), "not a valid regular expression");
    assertInvalid(new JoinSpec("g4", Set.of("t"), "", "", 10, 0, ""), "session_timeout_ms must be between");
  }

  @Test
  void anAdministratorReservesOnlyAnEmptyGroup_andNobodyJoinsItUntilReleased() {
    FakeMember a = join("", "t");
    join("", "t");
    RunnelError active = assertThrows(RunnelError.class, () -> coordinator.reserveEmpty(G, "reset the offsets"));
    assertEquals(ErrorReason.GROUP_NOT_EMPTY, active.reason());
    assertEquals("2", active.metadata().get("members"));
    assertTrue(active.getMessage().contains("2 active members"), active.getMessage());

    coordinator.reserveEmpty("idle", "reset the offsets");
    RunnelError twice = assertThrows(RunnelError.class, () -> coordinator.reserveEmpty("idle", "delete the offsets"));
    assertEquals(ErrorReason.NODE_UNAVAILABLE, twice.reason());
    RunnelError blocked =
        assertThrows(
            RunnelError.class,
            () -> coordinator.join(new JoinSpec("idle", Set.of("t"), "", "", 0, 0, ""), new FakeMember(), nowMs));
    assertEquals(ErrorReason.NODE_UNAVAILABLE, blocked.reason(), "retriable: the SDK rejoins after a backoff");
    coordinator.release("idle");
    coordinator.join(new JoinSpec("idle", Set.of("t"), "", "", 0, 0, ""), new FakeMember(), nowMs);
    assertEquals(1, coordinator.describe("idle").members().size());
    assertNotNull(a.memberId);
  }

  private void assertInvalid(JoinSpec spec, String message) {
    RunnelError e = assertThrows(RunnelError.class, () -> coordinator.join(spec, new FakeMember(), nowMs));
    assertEquals(ErrorReason.INVALID_REQUEST, e.reason());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  /**
   * Seeded random joins, leaves, crashes, slow acknowledgements and time passing: a partition is
   * never held by two members at once, and once everyone has caught up every partition is held.
   */
  @Test
  void randomChurnNeverHandsAPartitionToTwoMembers() {
    long seed = 7_141_592L;
    Random random = new Random(seed);
    coordinator.topicsChanged(Map.of("a", 5, "b", 7), nowMs);
    List<FakeMember> live = new ArrayList<>();
    for (int step = 0; step < 2_000; step++) {
      int action = random.nextInt(10);
      if (action == 0 && coordinator.describe(G).members().size() < 5) {
        live.add(join(random.nextBoolean() ? "" : "s" + random.nextInt(3), "a", "b"));
      } else if (action == 1 && !live.isEmpty()) {
        FakeMember m = live.remove(random.nextInt(live.size()));
        coordinator.leave(G, m.memberId, nowMs);
      } else if (action == 2 && !live.isEmpty()) {
        // The stream breaks: the member process is gone (a static one may come back as a new
        // instance with the same static id).
        FakeMember m = live.remove(random.nextInt(live.size()));
        coordinator.disconnected(G, m.memberId, nowMs);
      } else if (action <= 6 && !live.isEmpty()) {
        live.get(random.nextInt(live.size())).applyNext(coordinator, G, nowMs);
      } else {
        nowMs += random.nextInt(400);
        for (FakeMember m : live) {
          if (!m.closed && random.nextInt(8) != 0) {
            coordinator.heartbeat(G, m.memberId, nowMs);
          }
        }
        coordinator.tick(nowMs);
      }
      live.removeIf(m -> m.closed);
      checkNoPartitionHeldTwice(live);
    }
    // Heal: everyone left catches up and heartbeats; disconnected static members time out.
    for (int round = 0; round < 20; round++) {
      settle(live);
      nowMs += 1_000;
      for (FakeMember m : live) {
        if (!m.closed) {
          try {
            coordinator.heartbeat(G, m.memberId, nowMs);
          } catch (RunnelError e) {
            m.closed = true; // a disconnected static member that timed out meanwhile
          }
        }
      }
      coordinator.tick(nowMs);
      live.removeIf(m -> m.closed);
    }
    settle(live);
    if (!live.isEmpty()) {
      Set<TopicPartition> held = new TreeSet<>();
      live.forEach(m -> held.addAll(m.applied));
      assertEquals(12, held.size(), "seed " + seed + ": every partition is held once things settle");
      assertEquals(GroupView.State.STABLE, coordinator.describe(G).state(), "seed " + seed);
    }
    assertNotNull(coordinator.describe(G));
  }

  private static Set<String> topicsOf(Set<TopicPartition> partitions) {
    Map<String, Integer> topics = new HashMap<>();
    partitions.forEach(tp -> topics.merge(tp.topic(), 1, Integer::sum));
    return topics.keySet();
  }
}
