package io.kvstore.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.pattern.StatusReply;
import io.kvstore.api.Consistency;
import io.kvstore.entity.KeyEntity;
import io.kvstore.ring.Ring;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Brings the shard of every partition this node is primary for onto this node while the node
 * starts, instead of on the first request for one of its keys, and holds readiness until they are
 * all here.
 *
 * <p>Akka's coordinator allocates shards one at a time, each after a majority write of its whole
 * state, so the 1024 shards of a fresh cluster took about 20 s to come up on first use; requests
 * meanwhile waited, and under load some timed out (503). Warming starts one placeholder entity per
 * partition (a read at ONE of a placeholder key, which journals nothing; a message rather than
 * Akka's {@code StartEntity}, so that passivation tracks the entity). A shard counts as warm only once
 * this node's own region hosts it: one allocated elsewhere (the coordinator's ring lagged behind,
 * or this node's region was not registered yet) is moved here by {@link RingAllocationStrategy}'s
 * rebalance, and until then readiness would promise what a rebalance right after is about to take
 * away. So once every node reports ready, every shard sits on its primary and stays there.
 *
 * <p>Only start-up is gated: after this node has once had all its shards, later rings (a node
 * joining, leaving or failing) leave allocation to Akka's on-demand path, so a membership change
 * never takes every node out of service at once, and the coordinator's queue stays free for the
 * shards clients are actually waiting for.
 */
public final class ShardWarmer extends AbstractBehavior<ShardWarmer.Command> {
  /**
   * Placeholder entity ids. A client may use such a key too: reading it changes nothing, and the
   * key's data stays the client's.
   */
  static final String KEY_PREFIX = "_kvstore_shard_warmup_";

  public sealed interface Command {}

  private sealed interface Internal extends Command {}

  private record RingInstalled(long version, List<Integer> partitions) implements Internal {}

  private record Warmed() implements Internal {}

  private record LocalShards(long ringVersion, Set<Integer> hosted) implements Internal {}

  private record Retry(long ringVersion) implements Internal {}

  /**
   * @param enabled off: shards are allocated on first use, as Akka does by itself
   * @param parallelism allocations requested at once (the coordinator serves them one by one)
   * @param timeout wait for one allocation, or for the local region's state
   * @param retryInterval pause before another round for the shards not on this node yet
   */
  public record Settings(boolean enabled, int parallelism, Duration timeout, Duration retryInterval) {}

  /**
   * @param unallocated set to the number of this node's partitions whose shards are not on this
   *     node yet, as soon as a ring is installed during start-up (readiness reads it)
   */
  public static Behavior<Command> create(Topology topology, Settings settings, AtomicInteger unallocated) {
    return Behaviors.setup(context -> new ShardWarmer(context, topology, settings, unallocated));
  }

  private final ClusterSharding sharding;
  private final Settings settings;
  private final AtomicInteger unallocated;
  private final List<String> keys;
  /** Read on the ring keeper's thread: once set, rings no longer touch readiness (and this actor has stopped). */
  private volatile boolean startupDone;
  private long ringVersion;
  private final Set<Integer> pending = new HashSet<>();
  private final Deque<Integer> queued = new ArrayDeque<>();
  private int inFlight;
  private long startedNanos;

  private ShardWarmer(
      ActorContext<Command> context,
      Topology topology,
      Settings settings,
      AtomicInteger unallocated) {
    super(context);
    this.sharding = ClusterSharding.get(context.getSystem());
    this.settings = settings;
    this.unallocated = unallocated;
    this.keys = topology.partitioner().keyPerPartition(KEY_PREFIX);
    ActorRef<Command> self = context.getSelf();
    // Counted on the ring keeper's thread, before the ring counts as installed, so readiness never
    // sees a new ring without its pending partitions.
    Consumer<Ring.Placement> onRing =
        placement -> {
          if (!startupDone) {
            List<Integer> mine = primaryPartitions(placement, topology.selfId());
            unallocated.set(mine.size());
            self.tell(new RingInstalled(placement.ring().version(), mine));
          }
        };
    topology.onRingChange(onRing);
    onRing.accept(topology.placement()); // a ring installed before this actor started
  }

  /** The partitions whose preference list starts with this node. */
  static List<Integer> primaryPartitions(Ring.Placement placement, String selfId) {
    List<Integer> mine = new ArrayList<>();
    for (int partition : placement.partitionsOf(selfId)) {
      if (placement.replicas(partition).get(0).equals(selfId)) {
        mine.add(partition);
      }
    }
    return mine;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RingInstalled.class, this::onRingInstalled)
        .onMessage(Warmed.class, this::onWarmed)
        .onMessage(LocalShards.class, this::onLocalShards)
        .onMessage(Retry.class, this::onRetry)
        .build();
  }

  private Behavior<Command> onRingInstalled(RingInstalled installed) {
    ringVersion = installed.version();
    if (installed.partitions().isEmpty()) { // not in the ring yet: nothing to wait for
      return this;
    }
    pending.clear();
    pending.addAll(installed.partitions());
    queued.clear();
    queued.addAll(installed.partitions());
    startedNanos = System.nanoTime();
    requestMore();
    return this;
  }

  /** One placeholder read answered or failed: either way the local region's state decides. */
  private Behavior<Command> onWarmed(Warmed warmed) {
    inFlight--;
    requestMore();
    return this;
  }

  private Behavior<Command> onLocalShards(LocalShards local) {
    if (local.ringVersion() != ringVersion) {
      return this;
    }
    pending.removeIf(local.hosted()::contains);
    unallocated.set(pending.size());
    if (pending.isEmpty()) {
      startupDone = true;
      getContext()
          .getLog()
          .info(
              "shards of this node's partitions on this node under ring v{} after {} ms",
              ringVersion,
              Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
      return Behaviors.stopped(); // start-up is over; later rings are not its business
    }
    getContext()
        .getLog()
        .info(
            "{} shards of this node's partitions not on this node yet (allocation timed out, or a rebalance is to move them here); again in {}",
            pending.size(),
            settings.retryInterval());
    getContext().scheduleOnce(settings.retryInterval(), getContext().getSelf(), new Retry(ringVersion));
    return this;
  }

  private Behavior<Command> onRetry(Retry retry) {
    if (retry.ringVersion() == ringVersion) {
      queued.addAll(pending);
      requestMore();
    }
    return this;
  }

  private void requestMore() {
    while (inFlight < settings.parallelism() && !queued.isEmpty()) {
      int partition = queued.poll();
      inFlight++;
      getContext()
          .pipeToSelf(
              sharding
                  .entityRefFor(KeyEntity.TYPE_KEY, keys.get(partition))
                  .<StatusReply<KeyEntity.Lookup>>ask(
                      replyTo -> new KeyEntity.Get(Consistency.ONE, replyTo), settings.timeout()),
              (answer, failure) -> new Warmed());
    }
    if (queued.isEmpty() && inFlight == 0) {
      long version = ringVersion;
      getContext()
          .pipeToSelf(
              RegionShards.hostedHere(getContext().getSystem(), settings.timeout()),
              (hosted, failure) -> new LocalShards(version, hosted == null ? Set.of() : hosted));
    }
  }
}
