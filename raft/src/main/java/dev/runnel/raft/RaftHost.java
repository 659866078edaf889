package dev.runnel.raft;

import dev.runnel.storage.LogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.ReplicationLevel;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.util.TimeDuration;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.util.JavaUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Ratis server, hosting many groups (multi-raft): the controller group and one
 * group per partition replica. Requests are submitted in-process to the local server (no loopback
 * gRPC hop); a group this node does not lead answers with Ratis' NotLeaderException.
 */
public final class RaftHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftHost.class);
  private static final int CONTROLLER_RETRIES = 50;
  private static final long CONTROLLER_RETRY_SLEEP_MS = 200;

  private final RaftSettings settings;
  private final RaftServer server;
  private final RaftPeer self;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private volatile RaftClient controllerClient;
  /** The controller's voters, for a client that replaces a broken one. */
  private volatile List<RaftPeer> controllerVoters;
  private boolean closing;

  private RaftHost(RaftSettings settings, RaftServer server, RaftPeer self) {
    this.settings = settings;
    this.server = server;
    this.self = self;
  }

  /** Starts the server; groups found under the storage directory are recovered. */
  public static RaftHost start(RaftSettings settings, LogConfig logConfig) throws IOException {
    return start(settings, logConfig, new Parameters());
  }

  /**
   * As {@link #start(RaftSettings, LogConfig)}, with Ratis parameters (objects, not settings) for
   * the transport. Tests pass a gRPC services customizer here to cut nodes apart; nodes started
   * from a config never get one, so no setting can make a production node drop Raft traffic.
   */
  public static RaftHost start(RaftSettings settings, LogConfig logConfig, Parameters parameters)
      throws IOException {
    RatisMetricsReporting.configure(settings.ratisJmxMetrics());
    RaftPeerId peerId = settings.peerId();
    RaftPeer self = RaftIds.peer(settings.nodeId(), settings.host(), settings.raftPort(), 0);
    StateMachine.Registry registry =
        groupId ->
            groupId.equals(RaftIds.CONTROLLER_GROUP)
                ? new ControllerStateMachine()
                : new PartitionStateMachine(logConfig, settings);
    RaftServer server =
        RaftServer.newBuilder()
            .setServerId(peerId)
            .setProperties(settings.toProperties())
            .setParameters(parameters)
            .setStateMachineRegistry(registry)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    server.start();
    return new RaftHost(settings, server, self);
  }

  public RaftPeer self() {
    return self;
  }

  public RaftSettings settings() {
    return settings;
  }

  public Set<RaftGroupId> groupIds() {
    Set<RaftGroupId> ids = new HashSet<>();
    server.getGroupIds().forEach(ids::add);
    return ids;
  }

  /**
   * Joins (or, on first start, forms) the controller group of these voters and opens the client
   * that submits controller commands to whichever voter leads.
   */
  public void startController(List<RaftPeer> voters) throws IOException {
    boolean voter = voters.stream().anyMatch(p -> p.getId().equals(self.getId()));
    if (voter) {
      ensureGroup(RaftIds.CONTROLLER_GROUP, voters);
    } else {
      // Not a voter: this node follows the controller group as a Ratis listener (it receives
      // and applies every entry, so it has a local copy of the metadata, but never votes and
      // never counts toward a commit). It opens its replica first, so the leader finds it ready
      // once the configuration names it.
      List<RaftPeer> withSelf = new ArrayList<>(voters);
      withSelf.add(listenerSelf());
      ensureGroup(RaftIds.CONTROLLER_GROUP, withSelf);
    }
    controllerVoters = List.copyOf(voters);
    controllerClient = newControllerClient();
  }

  private RaftClient newControllerClient() {
    return RaftClient.newBuilder()
        .setProperties(server.getProperties())
        .setRaftGroup(RaftGroup.valueOf(RaftIds.CONTROLLER_GROUP, controllerVoters))
        .setClientId(ClientId.randomId())
        // Bounded: a controller without quorum fails the call instead of retrying forever.
        .setRetryPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                CONTROLLER_RETRIES, TimeDuration.valueOf(CONTROLLER_RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
        .build();
  }

  /**
   * Once one request of Ratis' ordered async client runs out of retries, the client fails every
   * later request as well (its sliding window keeps the failure: "client-…->RAFT is closed"), so a
   * controller without quorum for longer than the retries would cut this node off from it until a
   * restart. The broken client is replaced by a fresh one; calls in flight on it fail and are
   * retried by their callers.
   */
  private void replaceIfBroken(RaftClient client, Throwable failure) {
    Throwable cause = JavaUtils.unwrapCompletionException(failure);
    if (!(cause instanceof RaftRetryFailureException || cause instanceof AlreadyClosedException)) {
      return;
    }
    synchronized (this) {
      if (closing || controllerClient != client) {
        return;
      }
      controllerClient = newControllerClient();
    }
    LOG.warn("the controller client gave up on a request ({}); a new client takes its place", cause.toString());
    try {
      client.close();
    } catch (IOException e) {
      LOG.debug("closing the broken controller client: {}", e.toString());
    }
  }

  private RaftPeer listenerSelf() {
    return RaftPeer.newBuilder(self).setStartupRole(RaftPeerRole.LISTENER).build();
  }

  /**
   * Asks the controller group (through its leader) to add this node as a listener, unless the
   * leader's configuration has it already. Ratis' ADD mode keeps the current voters and
   * listeners, so nodes joining at the same time do not undo each other. Retried until {@code
   * timeoutMs} passes: the voters may still be electing a leader.
   */
  public void joinControllerAsListener(List<RaftPeer> voters, long timeoutMs) throws IOException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    IOException last = null;
    while (System.nanoTime() < deadlineNs) {
      try (RaftClient client = adminClient(RaftGroup.valueOf(RaftIds.CONTROLLER_GROUP, voters))) {
        RaftClientReply reply =
            client
                .admin()
                .setConfiguration(
                    SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInNewConf(List.of())
                        .setListenersInNewConf(List.of(listenerSelf()))
                        .setMode(SetConfigurationRequest.Mode.ADD)
                        .build());
        if (reply.isSuccess()) {
          LOG.info("follows the controller group as a listener");
          return;
        }
        last = new IOException("the controller did not add this node as a listener", reply.getException());
      } catch (IOException e) {
        last = e;
      }
      LOG.info("joining the controller group as a listener failed, retrying: {}", last.toString());
      try {
        Thread.sleep(CONTROLLER_RETRY_SLEEP_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while joining the controller group", e);
      }
    }
    throw new IOException("could not join the controller group as a listener in " + timeoutMs + " ms", last);
  }

  /**
   * Where this replica of the group stands, for error messages: role, known leader, and the last
   * applied, committed and snapshot indexes (a replica stuck behind shows applied < committed, or
   * both far behind the leader's).
   */
  public String progress(RaftGroupId groupId) {
    try {
      RaftServer.Division division = server.getDivision(groupId);
      DivisionInfo info = division.getInfo();
      return "role "
          + info.getCurrentRole()
          + ", leader "
          + info.getLeaderId()
          + ", applied "
          + info.getLastAppliedIndex()
          + ", committed "
          + division.getRaftLog().getLastCommittedIndex()
          + ", snapshot "
          + division.getRaftLog().getSnapshotIndex()
          + ", next "
          + division.getRaftLog().getNextIndex();
    } catch (IOException e) {
      return "not hosted";
    }
  }

  /** This node's role in the controller group (LEADER, FOLLOWER, LISTENER, ...), or null. */
  public RaftPeerRole controllerRole() {
    DivisionInfo info = info(RaftIds.CONTROLLER_GROUP);
    return info == null ? null : info.getCurrentRole();
  }

  /**
   * Submits a controller command to the controller group's leader, wherever it is, and completes
   * once this node's own copy of the metadata has applied it (read-your-writes).
   */
  public CompletableFuture<Message> submitToController(Message message) {
    RaftClient client = controllerClient;
    return client
        .async()
        .send(message)
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                replaceIfBroken(client, failure);
              }
            })
        .thenCompose(
            reply -> {
              if (!reply.isSuccess()) {
                throw new CompletionException(reply.getException());
              }
              try {
                return controller().whenApplied(reply.getLogIndex()).thenApply(v -> reply.getMessage());
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  /** Adds the group with these peers unless this server hosts it already. */
  public void ensureGroup(RaftGroupId groupId, List<RaftPeer> peers) throws IOException {
    if (groupIds().contains(groupId)) {
      return;
    }
    // A replica that left this group earlier (a reassignment) and comes back starts empty and
    // copies from the leader; Ratis refuses to format over the old directory, so it goes first.
    Path stale = settings.storageDir().resolve(groupId.getUuid().toString());
    if (Files.exists(stale)) {
      LOG.info("deleting the leftover directory of raft group {} before joining it again", groupId);
      deleteRecursively(stale);
    }
    RaftClientReply reply =
        server.groupManagement(
            GroupManagementRequest.newAdd(
                clientId, self.getId(), callIds.incrementAndGet(), RaftGroup.valueOf(groupId, peers)));
    if (!reply.isSuccess()) {
      throw new IOException("cannot add group " + groupId, reply.getException());
    }
    LOG.debug("added raft group {}", groupId);
  }

  /** Node ids in the group's current configuration as this replica knows it; empty if not hosted. */
  public Set<Integer> groupMembers(RaftGroupId groupId) {
    Set<Integer> ids = new HashSet<>();
    try {
      for (RaftPeer peer : server.getDivision(groupId).getRaftConf().getCurrentPeers()) {
        ids.add(RaftIds.nodeIdOf(peer.getId()));
      }
    } catch (IOException e) {
      return Set.of();
    }
    return ids;
  }

  /**
   * Changes the group's configuration to {@code peers} through its leader (Ratis adds new peers,
   * lets them catch up, then switches by joint consensus). Ratis refuses to replace a majority of
   * the members in one step (one of two, say), so a change that both adds and removes members
   * first adds the new ones, then removes the old ones. Blocks until the change is committed or
   * the bounded retries give up.
   */
  public void changeMembers(RaftGroupId groupId, List<RaftPeer> peers) throws IOException {
    RaftServer.Division division = server.getDivision(groupId);
    Set<RaftPeerId> target = new HashSet<>();
    peers.forEach(p -> target.add(p.getId()));
    List<RaftPeer> union = new ArrayList<>(peers);
    boolean adds = false;
    Set<RaftPeerId> currentIds = new HashSet<>();
    for (RaftPeer current : division.getRaftConf().getCurrentPeers()) {
      currentIds.add(current.getId());
      if (!target.contains(current.getId())) {
        union.add(RaftPeer.newBuilder(current).setPriority(0).build());
      }
    }
    for (RaftPeerId id : target) {
      adds |= !currentIds.contains(id);
    }
    if (adds && union.size() > peers.size()) {
      setConfiguration(groupId, division.getGroup(), union);
    }
    setConfiguration(groupId, server.getDivision(groupId).getGroup(), peers);
  }

  private void setConfiguration(RaftGroupId groupId, RaftGroup current, List<RaftPeer> peers)
      throws IOException {
    try (RaftClient client = adminClient(current)) {
      RaftClientReply reply = client.admin().setConfiguration(peers);
      if (!reply.isSuccess()) {
        throw new IOException("group " + groupId + " did not change its members", reply.getException());
      }
    }
  }

  /**
   * Asks the group of {@code peers} (hosted on this node or not) to hand its leadership to
   * {@code target}, which must have the highest priority among them, and waits up to {@code
   * timeoutMs}. Returns the id of the server that answered: {@code target} itself when it
   * already led, else the leader that handed over.
   */
  public RaftPeerId transferLeadership(RaftGroupId groupId, List<RaftPeer> peers, RaftPeerId target, long timeoutMs)
      throws IOException {
    try (RaftClient client = adminClient(RaftGroup.valueOf(groupId, peers))) {
      RaftClientReply reply = client.admin().transferLeadership(target, timeoutMs);
      if (!reply.isSuccess()) {
        throw new IOException("group " + groupId + " did not move its leadership to " + target,
            reply.getException());
      }
      return reply.getServerId();
    }
  }

  private RaftClient adminClient(RaftGroup group) {
    return RaftClient.newBuilder()
        .setProperties(server.getProperties())
        .setRaftGroup(group)
        .setClientId(ClientId.randomId())
        .setRetryPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                CONTROLLER_RETRIES, TimeDuration.valueOf(CONTROLLER_RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
        .build();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Removes the group from this server and deletes its directory (Raft log and partition data). */
  public void removeGroup(RaftGroupId groupId) throws IOException {
    RaftClientReply reply =
        server.groupManagement(
            GroupManagementRequest.newRemove(
                clientId, self.getId(), callIds.incrementAndGet(), groupId, true, false));
    if (!reply.isSuccess()) {
      throw new IOException("cannot remove group " + groupId, reply.getException());
    }
    LOG.debug("removed raft group {}", groupId);
  }

  /**
   * Submits a write to the group through the local server. The future completes with the state
   * machine's reply once the entry is committed and applied, or fails with the Ratis exception
   * (NotLeaderException, LeaderNotReadyException, StateMachineException carrying the state
   * machine's error, ...).
   */
  public CompletableFuture<Message> submit(RaftGroupId groupId, Message message) {
    return submit(groupId, message, ReplicationLevel.MAJORITY);
  }

  /**
   * As {@link #submit(RaftGroupId, Message)}, answering once the entry reached {@code level}:
   * MAJORITY is the Raft commit; ALL then also waits until every replica has the entry. (The ALL
   * wait is a separate watch request: Ratis 3.3 cannot combine it with an in-process write.)
   */
  public CompletableFuture<Message> submit(
      RaftGroupId groupId, Message message, ReplicationLevel level) {
    CompletableFuture<RaftClientReply> committed =
        send(groupId, message, RaftClientRequest.writeRequestType());
    if (level == ReplicationLevel.MAJORITY) {
      return committed.thenApply(RaftClientReply::getMessage);
    }
    return committed.thenCompose(
        reply ->
            send(groupId, Message.EMPTY, RaftClientRequest.watchRequestType(reply.getLogIndex(), level))
                .thenApply(watched -> reply.getMessage()));
  }

  private CompletableFuture<RaftClientReply> send(
      RaftGroupId groupId, Message message, RaftClientRequest.Type type) {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(clientId)
            .setServerId(self.getId())
            .setGroupId(groupId)
            .setCallId(callIds.incrementAndGet())
            .setMessage(message)
            .setType(type)
            .build();
    try {
      return server
          .submitClientRequestAsync(request)
          .thenApply(
              reply -> {
                if (!reply.isSuccess()) {
                  throw new CompletionException(reply.getException());
                }
                return reply;
              });
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * True when the group has a leader (here or elsewhere) and this replica has applied everything
   * it knows to be committed: its state machine is then as current as this replica can tell.
   */
  public boolean hasLeaderAndCaughtUp(RaftGroupId groupId) {
    try {
      RaftServer.Division division = server.getDivision(groupId);
      DivisionInfo info = division.getInfo();
      if (info.isLeader()) {
        return leadsAndCaughtUp(groupId);
      }
      return info.getLeaderId() != null
          && info.getLastAppliedIndex() >= division.getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return false;
    }
  }

  /** The peer id of the group's current leader as this replica knows it, or null. */
  public RaftPeerId leaderOf(RaftGroupId groupId) {
    DivisionInfo info = info(groupId);
    return info == null ? null : info.getLeaderId();
  }

  /**
   * Commit index per replica (node id) as this server knows it; on the leader that is every
   * follower's progress. Empty when the group is not hosted here.
   */
  public Map<Integer, Long> commitIndexes(RaftGroupId groupId) {
    Map<Integer, Long> out = new HashMap<>();
    try {
      for (var info : server.getDivision(groupId).getCommitInfos()) {
        out.put(
            RaftIds.nodeIdOf(RaftPeerId.valueOf(info.getServer().getId())), info.getCommitIndex());
      }
    } catch (IOException e) {
      return Map.of();
    }
    return out;
  }

  /** Role information of a hosted group, or null when this server does not host it. */
  public DivisionInfo info(RaftGroupId groupId) {
    try {
      return server.getDivision(groupId).getInfo();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * True when this server leads the group, its leadership is ready (it has committed an entry of
   * its term, so everything before is committed) and every committed entry has been applied: its
   * state machine is then up to date.
   */
  public boolean leadsAndCaughtUp(RaftGroupId groupId) {
    try {
      RaftServer.Division division = server.getDivision(groupId);
      DivisionInfo info = division.getInfo();
      return info.isLeader()
          && info.isLeaderReady()
          && info.getLastAppliedIndex() >= division.getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The current term when this server leads the group and its leadership is ready, else -1.
   * Unlike {@link #leadsAndCaughtUp} it ignores the apply lag, which is briefly non-zero after
   * every commit: callers that need "caught up" check it once per term ({@link #appliedAllCommitted}).
   */
  public long readyLeaderTerm(RaftGroupId groupId) {
    DivisionInfo info = info(groupId);
    return info != null && info.isLeader() && info.isLeaderReady() ? info.getCurrentTerm() : -1;
  }

  /** True when this replica has applied every entry it knows to be committed. */
  public boolean appliedAllCommitted(RaftGroupId groupId) {
    try {
      RaftServer.Division division = server.getDivision(groupId);
      return division.getInfo().getLastAppliedIndex() >= division.getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The index of the last entry this replica's Raft log has written to disk, or -1 when the group
   * is not hosted here. An {@code ALL} write is acknowledged once every replica's value passed it.
   */
  public long flushedIndex(RaftGroupId groupId) {
    try {
      return server.getDivision(groupId).getRaftLog().getFlushIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The state machine of a hosted partition group, or null when not hosted (yet). */
  public PartitionStateMachine partition(RaftGroupId groupId) {
    try {
      StateMachine sm = server.getDivision(groupId).getStateMachine();
      return sm instanceof PartitionStateMachine p ? p : null;
    } catch (IOException e) {
      return null;
    }
  }

  public ControllerStateMachine controller() throws IOException {
    return (ControllerStateMachine) server.getDivision(RaftIds.CONTROLLER_GROUP).getStateMachine();
  }

  @Override
  public void close() throws IOException {
    RaftClient client;
    synchronized (this) {
      closing = true;
      client = controllerClient;
    }
    if (client != null) {
      client.close();
    }
    server.close();
  }
}
