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
import io.kvstore.replication.Ring;
import io.kvstore.replication.Topology;
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
 * Has the shard of every partition this node is primary for allocated as soon as a ring is
 * installed, instead of on the first request for one of its keys.
 *
 * <p>Akka's coordinator allocates shards one at a time, each after a majority write of its whole
 * state, so the 1024 shards of a fresh cluster took about 20 s to come up on first use; requests
 * meanwhile waited, and under load some timed out (503). Warming starts one placeholder entity per
 * partition (a read at ONE of a placeholder key, which journals nothing; a message rather than
 * Akka's {@code StartEntity}, so that passivation tracks the entity), and the node reports itself not
 * ready until its partitions are done, so clients that wait for readiness never meet a cold shard.
 */
public final class ShardWarmer extends AbstractBehavior<ShardWarmer.Command> {
  /**
   * Placeholder entity ids. A client may use such a key too: reading it changes nothing, and the
   * key's data stays the client's.
   */
  static final String KEY_PREFIX = "_kvstore_shard_warmup_";

  public sealed interface Command {}

  private record RingInstalled(long version, List<Integer> partitions) implements Command {}

  private record Allocated(long ringVersion, int partition, Throwable failure) implements Command {}

  private record RetryFailed(long ringVersion) implements Command {}

  /**
   * @param enabled off: shards are allocated on first use, as Akka does by itself
   * @param parallelism allocations requested at once (the coordinator serves them one by one)
   * @param timeout wait for one allocation before it is retried
   * @param retryInterval pause before retrying the allocations that failed
   */
  public record Settings(boolean enabled, int parallelism, Duration timeout, Duration retryInterval) {}

  /**
   * @param unallocated set to the number of this node's partitions not warmed yet under the newest
   *     ring, as soon as the ring is installed (readiness reads it)
   */
  public static Behavior<Command> create(Topology topology, Settings settings, AtomicInteger unallocated) {
    return Behaviors.setup(context -> new ShardWarmer(context, topology, settings, unallocated));
  }

  private final Topology topology;
  private final ClusterSharding sharding;
  private final Settings settings;
  private final AtomicInteger unallocated;
  private final List<String> keys;
  private long ringVersion;
  private final Set<Integer> pending = new HashSet<>();
  private final Deque<Integer> queued = new ArrayDeque<>();
  private final List<Integer> failed = new ArrayList<>();
  private int inFlight;
  private boolean retryScheduled;
  private long startedNanos;

  private ShardWarmer(
      ActorContext<Command> context,
      Topology topology,
      Settings settings,
      AtomicInteger unallocated) {
    super(context);
    this.topology = topology;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.settings = settings;
    this.unallocated = unallocated;
    this.keys = topology.partitioner().keyPerPartition(KEY_PREFIX);
    ActorRef<Command> self = context.getSelf();
    // Counted on the ring keeper's thread, before the ring counts as installed, so readiness never
    // sees a new ring without its pending partitions.
    Consumer<Ring.Placement> onRing =
        placement -> {
          List<Integer> mine = primaryPartitions(placement, topology.selfId());
          unallocated.set(mine.size());
          self.tell(new RingInstalled(placement.ring().version(), mine));
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
        .onMessage(Allocated.class, this::onAllocated)
        .onMessage(RetryFailed.class, this::onRetryFailed)
        .build();
  }

  private Behavior<Command> onRingInstalled(RingInstalled installed) {
    ringVersion = installed.version();
    pending.clear();
    pending.addAll(installed.partitions());
    unallocated.set(pending.size());
    queued.clear();
    failed.clear();
    queued.addAll(installed.partitions());
    startedNanos = System.nanoTime();
    requestMore();
    return this;
  }

  private Behavior<Command> onAllocated(Allocated allocated) {
    inFlight--;
    if (allocated.ringVersion() == ringVersion) {
      if (allocated.failure() == null) {
        boolean wasPending = pending.remove(allocated.partition());
        if (topology.placement().ring().version() == ringVersion) { // else a newer ring's count stands
          unallocated.set(pending.size());
        }
        if (wasPending && pending.isEmpty()) {
          getContext()
              .getLog()
              .info(
                  "shards of this node's partitions allocated under ring v{} in {} ms",
                  ringVersion,
                  Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
        }
      } else {
        failed.add(allocated.partition());
      }
    }
    requestMore();
    return this;
  }

  private Behavior<Command> onRetryFailed(RetryFailed retry) {
    retryScheduled = false;
    if (retry.ringVersion() == ringVersion) {
      queued.addAll(failed);
      failed.clear();
      requestMore();
    }
    return this;
  }

  private void requestMore() {
    while (inFlight < settings.parallelism() && !queued.isEmpty()) {
      int partition = queued.poll();
      long version = ringVersion;
      inFlight++;
      getContext()
          .pipeToSelf(
              sharding
                  .entityRefFor(KeyEntity.TYPE_KEY, keys.get(partition))
                  .<StatusReply<KeyEntity.Lookup>>ask(
                      replyTo -> new KeyEntity.Get(Consistency.ONE, replyTo), settings.timeout()),
              (answer, failure) -> new Allocated(version, partition, failure));
    }
    if (queued.isEmpty() && inFlight == 0 && !failed.isEmpty() && !retryScheduled) {
      retryScheduled = true;
      getContext()
          .getLog()
          .info("{} shard allocations timed out; retrying in {}", failed.size(), settings.retryInterval());
      getContext().scheduleOnce(settings.retryInterval(), getContext().getSelf(), new RetryFailed(ringVersion));
    }
  }
}
