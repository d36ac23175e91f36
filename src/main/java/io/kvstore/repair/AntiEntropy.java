package io.kvstore.repair;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.kvstore.replica.MerkleTree;
import io.kvstore.replica.PartitionReadiness;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ReplicationSettings;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.ring.Ring;
import io.kvstore.transport.PeerAsk;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Background repair of this node's replica store, rate-limited by a timer. It carries out what
 * {@link SyncRule} decides, and exchanges data through {@link MerkleExchange}:
 *
 * <ul>
 *   <li>Merkle anti-entropy: each tick compares one partition with its other replicas (two-level
 *       tree: root, then {@value MerkleTree#BUCKETS} buckets) and exchanges both ways only the
 *       keys of buckets that differ, so a replica that missed writes converges without reads. An
 *       operator's {@link RepairNow} compares all of them at once, as catch-up does.
 *   <li>Catch-up: partitions this node may have missed writes for (all of them at start, those
 *       it gains when the ring changes) are synced first, several at a time, with enough
 *       replicas of the current ring and of every unsettled earlier one ({@link
 *       Ring.Placement#caughtUp}); until then their reads do not count toward quorums ({@link
 *       PartitionReadiness}). Once all of them are caught up under a ring version, this node
 *       reports it, so that the ring can settle.
 *   <li>Hand-off: a partition this node holds but no longer replicates is pushed to its current
 *       replicas, and only then dropped here.
 * </ul>
 *
 * <p>Hinted handoff is {@link HintReplay}'s.
 */
public final class AntiEntropy extends AbstractBehavior<AntiEntropy.Command> {

  public sealed interface Command {}

  /**
   * Compare every partition this node replicates with its other replicas now, rather than one per
   * {@code anti-entropy.interval}, at catch-up's pace (roots first, then the trees of those that
   * differ). Answered with the number of partitions the pass covers.
   */
  public record RepairNow(ActorRef<Integer> replyTo) implements Command {}

  /**
   * Before this node leaves: compare every partition it replicates with the other replicas it can
   * reach and exchange what differs, as {@link #onRepairNow} does, but answered only once each of
   * them holds everything this node holds ({@link SyncRule#handedOff}).
   */
  public record HandOff(ActorRef<Done> replyTo) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record RingChanged(Ring.Placement previous, Ring.Placement current) implements Command {}

  private record PartitionSynced(int partition, boolean complete, boolean handedOff, Ring.Placement startedUnder)
      implements Command {}

  /**
   * Partitions of a catch-up batch whose roots already agree with every available peer
   * ({@code agreeing}: caught up) or with every other replica that answered ({@code handedOff}).
   */
  private record RootsCompared(List<Integer> batch, List<Integer> agreeing, List<Integer> handedOff, Ring.Placement startedUnder)
      implements Command {}

  public static Behavior<Command> create(
      ReplicaStore store,
      PartitionReadiness readiness,
      Topology topology,
      ReplicationSettings settings,
      RetiredNodes retired,
      LongConsumer caughtUpUnder) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new AntiEntropy(context, timers, store, readiness, topology, settings, retired, caughtUpUnder)));
  }

  private final ReplicaStore store;
  private final PartitionReadiness readiness;
  private final Topology topology;
  private final ReplicationSettings settings;
  private final RetiredNodes retired;
  /** Told the ring version under which every partition this node replicates is caught up. */
  private final LongConsumer caughtUpUnder;
  private long reportedCaughtUp;
  private final Executor blocking;
  private final PeerAsk peers;
  private final MerkleExchange exchanges;
  private final Deque<Integer> urgent = new ArrayDeque<>();
  /** Urgent partitions whose sync could not complete (peers down): retried from the next tick. */
  private final Set<Integer> deferred = new HashSet<>();
  private final Set<Integer> inFlight = new HashSet<>();
  /** Urgent partitions whose roots were compared already: next comes the tree exchange. */
  private final Set<Integer> compared = new HashSet<>();
  /** Urgent partitions in a root comparison round trip now. */
  private final Set<Integer> comparing = new HashSet<>();
  private static final int ROOTS_PER_BATCH = 128;
  private int nextRoutine;
  /** Whether a ring that includes this node has been acted on since start. */
  private boolean placedSinceStart;
  /** Partitions a {@link HandOff} waits for, and who waits. */
  private final Set<Integer> handingOff = new HashSet<>();
  private final List<ActorRef<Done>> handOffWaiters = new ArrayList<>();

  private AntiEntropy(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ReplicaStore store,
      PartitionReadiness readiness,
      Topology topology,
      ReplicationSettings settings,
      RetiredNodes retired,
      LongConsumer caughtUpUnder) {
    super(context);
    this.store = store;
    this.readiness = readiness;
    this.topology = topology;
    this.settings = settings;
    this.retired = retired;
    this.caughtUpUnder = caughtUpUnder;
    this.blocking = context.getSystem().dispatchers().lookup(ReplicaStore.BLOCKING);
    this.peers = new PeerAsk(topology, settings.requestTimeout().multipliedBy(5), context.getSystem().scheduler());
    this.exchanges = new MerkleExchange(store, peers, blocking, settings.transferBatchBytes());
    Ring.Placement[] last = {topology.placement()};
    topology.onRingChange(
        current -> {
          synchronized (last) {
            // Runs as the ring is installed, before anyone can read with it: partitions gained
            // stop counting toward read quorums until caught up.
            for (int p : current.partitionsOf(topology.selfId())) {
              if (SyncRule.readyAtOnce(current, p)) {
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
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RingChanged.class, this::onRingChanged)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(PartitionSynced.class, this::onPartitionSynced)
        .onMessage(RootsCompared.class, this::onRootsCompared)
        .onMessage(RepairNow.class, this::onRepairNow)
        .onMessage(HandOff.class, this::onHandOff)
        .build();
  }

  private Behavior<Command> onRingChanged(RingChanged changed) {
    String self = topology.selfId();
    if (!SyncRule.placesSelf(changed.current(), self)) {
      getContext().getLog().info(
          "ring v{} does not include this node (yet): keeping its data", changed.current().ring().version());
      return this;
    }
    SyncRule.RingDelta delta = SyncRule.delta(changed.previous(), changed.current(), self);
    urgent.addAll(delta.released());
    if (!placedSinceStart) {
      placedSinceStart = true;
      // The first ring with this node in it since start: data from an earlier life may belong
      // elsewhere by now.
      urgent.addAll(SyncRule.heldElsewhere(changed.current(), self, store::holds));
    }
    urgent.addAll(delta.acquired());
    getContext().getLog().info(
        "ring v{}: {} partitions to catch up on, {} replicated here, {} earlier rings unsettled",
        changed.current().ring().version(), delta.acquired().size(), changed.current().partitionsOf(self).size(),
        changed.current().ring().unsettled().size());
    reportIfCaughtUp();
    return this;
  }

  private Behavior<Command> onRepairNow(RepairNow repair) {
    List<Integer> mine = topology.placement().partitionsOf(topology.selfId());
    queueComparisons("repair requested", mine);
    repair.replyTo().tell(mine.size());
    return this;
  }

  private Behavior<Command> onHandOff(HandOff handOff) {
    List<Integer> partitions = new ArrayList<>(topology.placement().partitionsOf(topology.selfId()));
    // Partitions released by a recent ring change and still being pushed to their new replicas.
    partitions.addAll(SyncRule.heldElsewhere(topology.placement(), topology.selfId(), store::holds));
    // Before the comparisons start: one may settle at once, and must find itself awaited.
    handingOff.addAll(partitions);
    handOffWaiters.add(handOff.replyTo());
    queueComparisons("handing off before leaving", partitions);
    answerHandOffIfDone();
    return this;
  }

  /** Queues a comparison of these partitions with their other replicas, unless one is pending already. */
  private void queueComparisons(String why, List<Integer> partitions) {
    Set<Integer> pending = new HashSet<>(urgent);
    pending.addAll(deferred);
    pending.addAll(inFlight);
    pending.addAll(comparing);
    pending.addAll(compared);
    List<Integer> queued = SyncRule.repairPass(partitions, pending);
    getContext().getLog().info(
        "{}: comparing {} partitions with their other replicas ({} of them queued already)",
        why, partitions.size(), partitions.size() - queued.size());
    urgent.addAll(queued);
    startUrgent();
  }

  private void handedOff(int partition) {
    if (handingOff.remove(partition)) {
      answerHandOffIfDone();
    }
  }

  private void answerHandOffIfDone() {
    if (handingOff.isEmpty() && !handOffWaiters.isEmpty()) {
      getContext().getLog().info("every partition handed off to the other replicas it could reach");
      handOffWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
      handOffWaiters.clear();
    }
  }

  private void markReady(int partition) {
    readiness.markReady(partition);
    reportIfCaughtUp();
  }

  private void reportIfCaughtUp() {
    SyncRule.caughtUpUnder(topology.placement(), topology.selfId(), readiness::isReady, reportedCaughtUp)
        .ifPresent(
            version -> {
              reportedCaughtUp = version;
              caughtUpUnder.accept(version);
            });
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
    CompletableFuture<long[]> local = CompletableFuture.supplyAsync(() -> store.roots(batch), blocking);
    Map<String, CompletableFuture<ReplicaEndpoint.RootsReply>> byPeer = new HashMap<>();
    candidates.stream()
        .filter(topology::isAvailable)
        .forEach(peer -> byPeer.put(peer, peers.ask(peer, replyTo -> new ReplicaEndpoint.GetRoots(batch, replyTo))));
    CompletableFuture.allOf(byPeer.values().toArray(CompletableFuture[]::new))
        .thenCombine(local, (done, mine) -> mine)
        .handle(
            (mine, failure) -> {
              List<Integer> agreeing = new ArrayList<>();
              List<Integer> handedOff = new ArrayList<>();
              if (failure != null) {
                return new RootsCompared(batch, agreeing, handedOff, placement);
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
                if (SyncRule.rootsProveCaughtUp(placement, topology.selfId(), partition, byPeer.keySet(), same, retired.ids())) {
                  agreeing.add(partition);
                }
                if (SyncRule.handedOff(placement, topology.selfId(), partition, byPeer.keySet(), same)) {
                  handedOff.add(partition);
                }
              }
              return new RootsCompared(batch, agreeing, handedOff, placement);
            })
        .thenAccept(getContext().getSelf()::tell);
  }

  private Behavior<Command> onRootsCompared(RootsCompared compared) {
    compared.batch().forEach(comparing::remove);
    Set<Integer> agreeing = new HashSet<>(compared.agreeing());
    Set<Integer> handedOff = new HashSet<>(compared.handedOff());
    for (int partition : compared.batch()) {
      boolean applies = SyncRule.stillApplies(compared.startedUnder(), topology.placement(), topology.selfId(), partition);
      boolean settled = handingOff.contains(partition) ? handedOff.contains(partition) : agreeing.contains(partition);
      if (settled && applies) {
        if (agreeing.contains(partition)) {
          markReady(partition);
        }
        handedOff(partition);
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
    Set<String> peers = SyncRule.peers(placement, self, partition);
    if (replica && peers.isEmpty()) {
      markReady(partition); // the only replica: nothing to compare with
      handedOff(partition);
      return;
    }
    if (!inFlight.add(partition)) {
      return;
    }
    List<String> replicaPeers = SyncRule.otherReplicas(placement, self, partition);
    Set<String> available = peers.stream().filter(topology::isAvailable).collect(Collectors.toSet());
    Map<String, CompletableFuture<Boolean>> running = new HashMap<>();
    available.forEach(peer -> running.put(peer, exchanges.exchange(partition, peer, replica, replicaPeers.contains(peer))));
    CompletableFuture.allOf(running.values().toArray(CompletableFuture[]::new))
        .handle(
            (done, failure) -> {
              Set<String> synced = new HashSet<>();
              running.forEach(
                  (peer, exchange) -> {
                    if (!exchange.isCompletedExceptionally() && exchange.join()) {
                      synced.add(peer);
                    }
                  });
              boolean complete = SyncRule.syncComplete(placement, self, partition, available, synced, retired.ids());
              return new PartitionSynced(
                  partition, complete, SyncRule.handedOff(placement, self, partition, available, synced), placement);
            })
        .thenAccept(getContext().getSelf()::tell);
  }

  private Behavior<Command> onPartitionSynced(PartitionSynced synced) {
    int partition = synced.partition();
    inFlight.remove(partition);
    compared.remove(partition);
    startUrgent();
    Ring.Placement current = topology.placement();
    String self = topology.selfId();
    boolean complete = synced.complete() && SyncRule.stillApplies(synced.startedUnder(), current, self, partition);
    if (handingOff.contains(partition)) {
      if (synced.handedOff()) {
        handedOff(partition);
      } else {
        deferred.add(partition);
      }
    }
    switch (SyncRule.afterSync(current, self, partition, complete, readiness.isReady(partition), store.holds(partition))) {
      case READY -> markReady(partition);
      case DROP -> {
        store.drop(partition);
        getContext().getLog().info("partition {} handed off to {}", partition, current.replicas(partition));
      }
      case RETRY -> deferred.add(partition);
      case NONE -> {}
    }
    return this;
  }
}
