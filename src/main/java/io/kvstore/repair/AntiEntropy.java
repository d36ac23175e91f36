package io.kvstore.repair;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.pattern.StatusReply;
import io.kvstore.Stages;
import io.kvstore.replica.HintStore;
import io.kvstore.replica.MerkleTree;
import io.kvstore.replica.PartitionReadiness;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ReplicationSettings;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.ring.Ring;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Background repair of this node's replica store, rate-limited by a timer:
 *
 * <ul>
 *   <li>Merkle anti-entropy: each tick compares one partition with its other replicas (two-level
 *       tree: root, then {@value MerkleTree#BUCKETS} buckets) and exchanges both ways only the
 *       keys of buckets that differ, so a replica that missed writes converges without reads.
 *   <li>Catch-up: partitions this node may have missed writes for (all of them at start, those
 *       it gains when the ring changes) are synced first, several at a time, with enough
 *       replicas of the current ring and of every unsettled earlier one ({@link
 *       Ring.Placement#caughtUp}); until then their reads do not count toward quorums ({@link
 *       PartitionReadiness}). Once all of them are caught up under a ring version, this node
 *       reports it, so that the ring can settle.
 *   <li>Hand-off: a partition this node holds but no longer replicates is pushed to its current
 *       replicas, and only then dropped here.
 *   <li>Hinted handoff: hints for nodes that are available again are replayed.
 * </ul>
 */
public final class AntiEntropy extends AbstractBehavior<AntiEntropy.Command> {

  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum HintTick implements Command {
    INSTANCE
  }

  private record RingChanged(Ring.Placement previous, Ring.Placement current) implements Command {}

  private record PartitionSynced(int partition, boolean complete, Ring.Placement startedUnder) implements Command {}

  private record HintsReplayed(String target) implements Command {}

  /** Partitions of a catch-up batch whose roots already agree with every available peer. */
  private record RootsCompared(List<Integer> batch, List<Integer> agreeing, Ring.Placement startedUnder)
      implements Command {}

  public static Behavior<Command> create(
      ReplicaStore store,
      PartitionReadiness readiness,
      HintStore hints,
      Topology topology,
      ReplicationSettings settings,
      RetiredNodes retired,
      LongConsumer caughtUpUnder) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new AntiEntropy(
                        context, timers, store, readiness, hints, topology, settings, retired, caughtUpUnder)));
  }

  private final ReplicaStore store;
  private final PartitionReadiness readiness;
  private final HintStore hints;
  private final Topology topology;
  private final ReplicationSettings settings;
  private final RetiredNodes retired;
  /** Told the ring version under which every partition this node replicates is caught up. */
  private final LongConsumer caughtUpUnder;
  private long reportedCaughtUp;
  private final Executor blocking;
  private final Scheduler scheduler;
  private final Deque<Integer> urgent = new ArrayDeque<>();
  /** Urgent partitions whose sync could not complete (peers down): retried from the next tick. */
  private final Set<Integer> deferred = new HashSet<>();
  private final Set<Integer> inFlight = new HashSet<>();
  private final Set<String> replaying = new HashSet<>();
  /** Urgent partitions whose roots were compared already: next comes the tree exchange. */
  private final Set<Integer> compared = new HashSet<>();
  /** Urgent partitions in a root comparison round trip now. */
  private final Set<Integer> comparing = new HashSet<>();
  private static final int ROOTS_PER_BATCH = 128;
  private int nextRoutine;
  /** Whether a ring that includes this node has been acted on since start. */
  private boolean placedSinceStart;

  private AntiEntropy(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ReplicaStore store,
      PartitionReadiness readiness,
      HintStore hints,
      Topology topology,
      ReplicationSettings settings,
      RetiredNodes retired,
      LongConsumer caughtUpUnder) {
    super(context);
    this.store = store;
    this.readiness = readiness;
    this.hints = hints;
    this.topology = topology;
    this.settings = settings;
    this.retired = retired;
    this.caughtUpUnder = caughtUpUnder;
    this.blocking =
        context.getSystem().dispatchers().lookup(ReplicaStore.BLOCKING);
    this.scheduler = context.getSystem().scheduler();
    Ring.Placement[] last = {topology.placement()};
    topology.onRingChange(
        current -> {
          synchronized (last) {
            // Runs as the ring is installed, before anyone can read with it: partitions gained
            // stop counting toward read quorums until caught up; a partition with no other
            // replica has nothing to catch up on.
            for (int p : current.partitionsOf(topology.selfId())) {
              if (current.replicas(p).size() == 1 && current.ring().unsettled().isEmpty()) {
                readiness.markReady(p);
              } else if (!last[0].isReplica(topology.selfId(), p)) {
                readiness.markNotReady(List.of(p));
              }
            }
            context.getSelf().tell(new RingChanged(last[0], current));
            last[0] = current;
          }
        });
    // Everything may be stale at start: this node may have been down while others wrote.
    urgent.addAll(topology.placement().partitionsOf(topology.selfId()));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.antiEntropyInterval());
    timers.startTimerWithFixedDelay(HintTick.INSTANCE, settings.hintReplayInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RingChanged.class, this::onRingChanged)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(PartitionSynced.class, this::onPartitionSynced)
        .onMessageEquals(HintTick.INSTANCE, this::onHintTick)
        .onMessage(HintsReplayed.class, this::onHintsReplayed)
        .onMessage(RootsCompared.class, this::onRootsCompared)
        .build();
  }

  private Behavior<Command> onRingChanged(RingChanged changed) {
    String self = topology.selfId();
    if (!changed.current().ring().nodes().contains(self)) {
      // Either stale (a restarted node first sees the ring published while it was away, and is
      // added a moment later) or final (it is leaving, and every quorum write is on the other
      // replicas too). Handing everything off now would only drop data it is about to need.
      getContext().getLog().info(
          "ring v{} does not include this node (yet): keeping its data", changed.current().ring().version());
      return this;
    }
    List<Integer> acquired = new ArrayList<>();
    for (int p = 0; p < topology.partitioner().partitions(); p++) {
      boolean now = changed.current().isReplica(self, p);
      if (now && !changed.previous().isReplica(self, p)) {
        acquired.add(p);
      } else if (!now && changed.previous().isReplica(self, p)) {
        urgent.add(p); // hand it off
      }
    }
    if (!placedSinceStart) {
      placedSinceStart = true;
      // The first ring with this node in it since start: data from an earlier life may belong
      // elsewhere by now.
      for (int p = 0; p < topology.partitioner().partitions(); p++) {
        if (!changed.current().isReplica(self, p) && store.holds(p)) {
          urgent.add(p);
        }
      }
    }
    urgent.addAll(acquired);
    getContext().getLog().info(
        "ring v{}: {} partitions to catch up on, {} replicated here, {} earlier rings unsettled",
        changed.current().ring().version(), acquired.size(), changed.current().partitionsOf(self).size(),
        changed.current().ring().unsettled().size());
    reportIfCaughtUp();
    return this;
  }

  private void markReady(int partition) {
    readiness.markReady(partition);
    reportIfCaughtUp();
  }

  private void reportIfCaughtUp() {
    Ring.Placement placement = topology.placement();
    long version = placement.ring().version();
    if (version > reportedCaughtUp
        && placement.ring().nodes().contains(topology.selfId())
        && placement.partitionsOf(topology.selfId()).stream().allMatch(readiness::isReady)) {
      reportedCaughtUp = version;
      caughtUpUnder.accept(version);
    }
  }

  private Behavior<Command> onTick() {
    urgent.addAll(deferred);
    deferred.clear();
    startUrgent();
    if (inFlight.isEmpty()) {
      List<Integer> mine = topology.placement().partitionsOf(topology.selfId());
      if (!mine.isEmpty()) {
        startSync(mine.get(nextRoutine++ % mine.size()));
      }
    }
    return this;
  }

  /**
   * Catch-up is not rate-limited: it runs as fast as {@code sync-parallelism} exchanges go. The
   * partitions this node replicates are first compared by root, a batch per round trip, so the
   * many that already agree (all of them, on a cluster that lost no writes) cost no tree exchange.
   */
  private void startUrgent() {
    List<Integer> batch = new ArrayList<>();
    Deque<Integer> waiting = new ArrayDeque<>();
    Ring.Placement placement = topology.placement();
    while (!urgent.isEmpty()) {
      int partition = urgent.poll();
      if (inFlight.contains(partition) || comparing.contains(partition)) {
        continue;
      }
      if (placement.isReplica(topology.selfId(), partition) && !compared.contains(partition)) {
        comparing.add(partition);
        batch.add(partition);
        if (batch.size() == ROOTS_PER_BATCH) {
          compareRoots(batch);
          batch = new ArrayList<>();
        }
      } else if (inFlight.size() < settings.syncParallelism()) {
        startSync(partition);
      } else {
        waiting.add(partition);
      }
    }
    urgent.addAll(waiting);
    if (!batch.isEmpty()) {
      compareRoots(batch);
    }
  }

  private void compareRoots(List<Integer> batch) {
    Ring.Placement placement = topology.placement();
    Set<String> candidates = new HashSet<>();
    batch.forEach(partition -> candidates.addAll(placement.catchUpPeers(topology.selfId(), partition)));
    List<String> peers = candidates.stream().filter(topology::isAvailable).toList();
    CompletableFuture<long[]> local = CompletableFuture.supplyAsync(() -> store.roots(batch), blocking);
    List<CompletableFuture<ReplicaEndpoint.RootsReply>> remote =
        peers.stream()
            .<CompletableFuture<ReplicaEndpoint.RootsReply>>map(
                peer ->
                    ask(peer, replyTo -> new ReplicaEndpoint.GetRoots(batch, replyTo)))
            .toList();
    Map<String, CompletableFuture<ReplicaEndpoint.RootsReply>> byPeer = new HashMap<>();
    for (int i = 0; i < peers.size(); i++) {
      byPeer.put(peers.get(i), remote.get(i));
    }
    CompletableFuture.allOf(remote.toArray(CompletableFuture[]::new))
        .thenCombine(local, (done, mine) -> mine)
        .handle(
            (mine, failure) -> {
              List<Integer> agreeing = new ArrayList<>();
              if (failure != null) {
                return new RootsCompared(batch, agreeing, placement);
              }
              for (int i = 0; i < batch.size(); i++) {
                int partition = batch.get(i);
                int index = i;
                Set<String> same = new HashSet<>();
                byPeer.forEach(
                    (peer, reply) -> {
                      if (reply.join().roots()[index] == mine[index]) {
                        same.add(peer);
                      }
                    });
                // Every reachable replica agrees, and so do enough replicas of each earlier ring.
                boolean replicasAgree =
                    placement.replicas(partition).stream()
                        .filter(byPeer::containsKey)
                        .allMatch(same::contains);
                if (replicasAgree && placement.caughtUp(topology.selfId(), partition, same, retired.ids())) {
                  agreeing.add(partition);
                }
              }
              return new RootsCompared(batch, agreeing, placement);
            })
        .thenAccept(getContext().getSelf()::tell);
  }

  private Behavior<Command> onRootsCompared(RootsCompared compared) {
    compared.batch().forEach(comparing::remove);
    Set<Integer> agreeing = new HashSet<>(compared.agreeing());
    for (int partition : compared.batch()) {
      if (agreeing.contains(partition) && stillApplies(compared.startedUnder(), partition)) {
        markReady(partition);
      } else {
        // Roots differ (or a peer did not answer): compare trees, bucket by bucket.
        this.compared.add(partition);
        urgent.addFirst(partition);
      }
    }
    startUrgent();
    return this;
  }

  private void startSync(int partition) {
    Ring.Placement placement = topology.placement();
    String self = topology.selfId();
    boolean replica = placement.isReplica(self, partition);
    List<String> replicaPeers = placement.replicas(partition).stream().filter(node -> !node.equals(self)).toList();
    // A replica also pulls from the earlier rings' replicas; a hand-off goes to the replicas only.
    Set<String> peers = replica ? placement.catchUpPeers(self, partition) : Set.copyOf(replicaPeers);
    if (replica && peers.isEmpty()) {
      markReady(partition); // the only replica: nothing to compare with
      return;
    }
    if (!inFlight.add(partition)) {
      return;
    }
    List<String> available = peers.stream().filter(topology::isAvailable).toList();
    Map<String, CompletableFuture<Boolean>> exchanges = new HashMap<>();
    available.forEach(
        peer -> exchanges.put(peer, exchange(partition, peer, replica, replicaPeers.contains(peer))));
    CompletableFuture.allOf(exchanges.values().toArray(CompletableFuture[]::new))
        .handle(
            (done, failure) -> {
              Set<String> synced = new HashSet<>();
              exchanges.forEach(
                  (peer, exchange) -> {
                    if (!exchange.isCompletedExceptionally() && exchange.join()) {
                      synced.add(peer);
                    }
                  });
              // A replica must have compared with enough peers that every quorum write reached one
              // of them or this node; a hand-off must reach every replica.
              boolean enough =
                  replica
                      ? placement.caughtUp(self, partition, synced, retired.ids())
                      : synced.containsAll(replicaPeers);
              return new PartitionSynced(partition, synced.size() == available.size() && enough, placement);
            })
        .thenAccept(getContext().getSelf()::tell);
  }

  /**
   * Compares one partition with one peer and exchanges the differing buckets: pulled entries are
   * merged here (when this node replicates the partition), and pushed ones there (when the peer
   * does: an earlier ring's replica that has handed the partition off is only read from).
   */
  private CompletableFuture<Boolean> exchange(int partition, String peer, boolean pull, boolean push) {
    CompletableFuture<MerkleTree> local = CompletableFuture.supplyAsync(() -> store.merkleTree(partition), blocking);
    CompletableFuture<ReplicaEndpoint.TreeReply> remote =
        ask(peer, replyTo -> new ReplicaEndpoint.GetTree(partition, replyTo));
    return local.thenCombine(remote, (mine, theirs) -> mine.differingBuckets(theirs.tree()))
        .thenCompose(
            differing -> {
              if (differing.length == 0) {
                return CompletableFuture.completedFuture(true);
              }
              List<Integer> buckets = Arrays.stream(differing).boxed().toList();
              CompletableFuture<Void> pulled =
                  pull ? pull(peer, partition, buckets, null) : CompletableFuture.completedFuture(null);
              return push
                  ? pulled.thenCompose(done -> push(peer, partition, buckets, null))
                  : pulled.thenApply(done -> true);
            });
  }

  /** Merges the peer's entries of the buckets here, one page after another. */
  private CompletableFuture<Void> pull(String peer, int partition, List<Integer> buckets, String after) {
    return this.<ReplicaEndpoint.EntriesReply>ask(
            peer, replyTo -> new ReplicaEndpoint.GetEntries(partition, buckets, after, replyTo))
        .thenCompose(
            page ->
                store
                    .mergeAll(page.entries())
                    .thenCompose(
                        merged ->
                            page.resumeAfter() == null
                                ? CompletableFuture.completedFuture(null)
                                : pull(peer, partition, buckets, page.resumeAfter())));
  }

  /** Sends this node's entries of the buckets to the peer, one page after another; true once all are acknowledged. */
  private CompletableFuture<Boolean> push(String peer, int partition, List<Integer> buckets, String after) {
    return CompletableFuture.supplyAsync(
            () -> store.entries(partition, buckets::contains, after, settings.transferBatchBytes()), blocking)
        .thenCompose(
            page -> {
              if (page.entries().isEmpty()) {
                return CompletableFuture.completedFuture(true);
              }
              return this.<StatusReply<Done>>ask(peer, replyTo -> new ReplicaEndpoint.ApplyAll(page.entries(), replyTo))
                  .thenCompose(
                      reply ->
                          !reply.isSuccess() || page.resumeAfter() == null
                              ? CompletableFuture.completedFuture(reply.isSuccess())
                              : push(peer, partition, buckets, page.resumeAfter()));
            });
  }

  private Behavior<Command> onPartitionSynced(PartitionSynced synced) {
    int partition = synced.partition();
    inFlight.remove(partition);
    compared.remove(partition);
    startUrgent();
    boolean replica = topology.placement().isReplica(topology.selfId(), partition);
    if (!synced.complete() || !stillApplies(synced.startedUnder(), partition)) {
      if (replica ? !readiness.isReady(partition) : store.holds(partition)) {
        deferred.add(partition);
      }
      return this;
    }
    if (replica) {
      markReady(partition);
    } else if (topology.placement().ring().nodes().contains(topology.selfId())) {
      // Dropped only under a ring that places this node: see onRingChanged.
      store.drop(partition);
      getContext().getLog().info("partition {} handed off to {}", partition, topology.placement().replicas(partition));
    }
    return this;
  }

  /**
   * Whether a sync or comparison started under an earlier placement still proves what it would
   * under the current one: the same role, and no replica list to catch up from that it did not
   * cover (settling only removes some).
   */
  private boolean stillApplies(Ring.Placement startedUnder, int partition) {
    Ring.Placement current = topology.placement();
    String self = topology.selfId();
    return startedUnder == current
        || (startedUnder.isReplica(self, partition) == current.isReplica(self, partition)
            && startedUnder.catchUpSources(partition).containsAll(current.catchUpSources(partition)));
  }

  private Behavior<Command> onHintTick() {
    for (String target : hints.targets()) {
      if (!replaying.contains(target) && !target.equals(topology.selfId()) && topology.isAvailable(target)) {
        replay(target);
      }
    }
    return this;
  }

  private void replay(String target) {
    replaying.add(target);
    List<HintStore.Hint> batch = hints.pendingFor(target, settings.hintReplayBatch(), settings.transferBatchBytes());
    List<ReplicaStore.Entry> entries = batch.stream().map(HintStore.Hint::entry).toList();
    this.<StatusReply<Done>>ask(target, replyTo -> new ReplicaEndpoint.ApplyAll(entries, replyTo))
        .thenCompose(
            reply ->
                reply.isSuccess() ? hints.remove(target, batch) : CompletableFuture.<Void>completedFuture(null))
        .handle((done, failure) -> new HintsReplayed(target))
        .thenAccept(getContext().getSelf()::tell);
  }

  private Behavior<Command> onHintsReplayed(HintsReplayed replayed) {
    replaying.remove(replayed.target());
    return this;
  }

  /**
   * Asks a peer's replica endpoint; fails (rather than throwing here) when the peer has become
   * unavailable since it was chosen. Called from future callbacks too, so it touches no context.
   */
  private <R> CompletableFuture<R> ask(String peer, Function<ActorRef<R>, ReplicaEndpoint.Command> message) {
    Duration timeout = settings.requestTimeout().multipliedBy(5);
    return topology
        .reachableEndpoint(peer)
        .map(endpoint -> Stages.direct(AskPattern.ask(endpoint, message::apply, timeout, scheduler)))
        .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException(peer + " is not available")));
  }
}
