package io.kvstore.transport;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.pattern.StatusReply;
import io.kvstore.CborSerializable;
import io.kvstore.crdt.Register;
import io.kvstore.replica.HintStore;
import io.kvstore.replica.KeyGlob;
import io.kvstore.replica.MerkleTree;
import io.kvstore.replica.PartitionReadiness;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ScanOrder;
import io.kvstore.ring.Ring;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * This node's replica store as other nodes reach it: merges registers sent by key owners, read
 * repair, anti-entropy and hint replay; answers reads and Merkle comparisons; and, for the cluster
 * admin of any node, reports which partitions are ready and hosted here and starts repair passes.
 * Registered with the receptionist so that every node can find every other node's endpoint.
 */
public final class ReplicaEndpoint extends AbstractBehavior<ReplicaEndpoint.Command> {
  public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "kvstore-replica");

  public sealed interface Command extends CborSerializable {}

  /** Merge registers (in one group commit); the ack means they are synced here. */
  public record ApplyAll(List<ReplicaStore.Entry> entries, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Read(String key, ActorRef<ReadReply> replyTo) implements Command {}

  /** @param ready false while this replica may have missed writes: it does not count toward R */
  public record ReadReply(String node, boolean ready, Register register) implements CborSerializable {}

  /** Roots of many partitions at once: catching up compares these first, one round trip. */
  public record GetRoots(List<Integer> partitions, ActorRef<RootsReply> replyTo) implements Command {}

  /** @param roots in the order of the request's partitions */
  public record RootsReply(List<Integer> partitions, long[] roots) implements CborSerializable {}

  public record GetTree(int partition, ActorRef<TreeReply> replyTo) implements Command {}

  public record TreeReply(int partition, MerkleTree tree) implements CborSerializable {}

  /** One page of a partition's entries in the given buckets, after {@code resumeAfter} (null: from the start). */
  public record GetEntries(int partition, List<Integer> buckets, String resumeAfter, ActorRef<EntriesReply> replyTo)
      implements Command {}

  /** @param resumeAfter where the next page starts; null on the last page */
  public record EntriesReply(List<ReplicaStore.Entry> entries, String resumeAfter) implements CborSerializable {}

  /**
   * A page of a partition's scan from position {@code from} ({@link ReplicaStore#scan}), of keys
   * starting with {@code prefix} and matching the glob {@code match} (either null: any); without
   * {@code values}, registers come with empty values.
   */
  public record Scan(
      int partition,
      long from,
      int limit,
      String prefix,
      String match,
      boolean liveOnly,
      boolean values,
      ActorRef<ScanReply> replyTo)
      implements Command {}

  /**
   * @param ready whether this replica's reads count toward quorums (it has caught up)
   * @param next where the partition's scan goes on; {@link ScanOrder#END} when it is done
   */
  public record ScanReply(String node, boolean ready, List<ReplicaStore.Entry> entries, long next)
      implements CborSerializable {}

  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /**
   * @param keys registers stored (estimate)
   * @param partitionsReady partitions whose reads count toward quorums here
   * @param conflictsResolved concurrent versions resolved last-writer-wins since start
   */
  public record Stats(
      String node, long keys, int partitions, int partitionsReady, long hintsPending, long hintsDropped, long conflictsResolved)
      implements CborSerializable {}

  /** What the partition map needs from this node: the replicas it is ready for, the shards it runs. */
  public record GetPartitionStates(ActorRef<StatusReply<PartitionStates>> replyTo) implements Command {}

  /**
   * @param ready the partitions this node replicates (under its own ring, of {@code ringVersion})
   *     whose reads count toward quorums here
   * @param hosted the partitions whose shard this node's shard region runs
   */
  public record PartitionStates(String node, long ringVersion, List<Integer> ready, List<Integer> hosted)
      implements CborSerializable {}

  /** Starts an anti-entropy pass over every partition this node replicates, now. */
  public record StartRepair(ActorRef<StatusReply<RepairPass>> replyTo) implements Command {}

  /**
   * Stop as on SIGTERM: coordinated shutdown hands the partitions off while this node is still
   * in the ring, then leaves. Akka's own Leave, sent by another node, runs the shutdown only once
   * the member is Exiting, out of the ring already, when there is nothing left to hand off.
   */
  public record LeaveGracefully() implements Command, CborSerializable {}

  /** @param partitions how many partitions the pass compares with their other replicas */
  public record RepairPass(String node, int partitions) implements CborSerializable {}

  /**
   * The node's parts that this endpoint reports on or sets going for other nodes, and which live
   * in packages transport does not see (the shard region, anti-entropy): given by the composition
   * root.
   *
   * @param hostedShards the partitions whose shard this node's region runs now
   * @param startRepair starts an anti-entropy pass; completes with the number of partitions it compares
   * @param leave runs this node's coordinated shutdown
   */
  public record NodeParts(
      Supplier<CompletionStage<Set<Integer>>> hostedShards, Supplier<CompletionStage<Integer>> startRepair, Runnable leave) {}

  /** @param pageBytes register data per {@link EntriesReply} page */
  public static Behavior<Command> create(
      ReplicaStore store, PartitionReadiness readiness, HintStore hints, Topology topology, long pageBytes, NodeParts parts) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
          return new ReplicaEndpoint(context, store, readiness, hints, topology, pageBytes, parts);
        });
  }

  private final ReplicaStore store;
  private final PartitionReadiness readiness;
  private final HintStore hints;
  private final Topology topology;
  private final long pageBytes;
  private final NodeParts parts;
  private final Executor blocking;

  private ReplicaEndpoint(
      ActorContext<Command> context,
      ReplicaStore store,
      PartitionReadiness readiness,
      HintStore hints,
      Topology topology,
      long pageBytes,
      NodeParts parts) {
    super(context);
    this.pageBytes = pageBytes;
    this.parts = parts;
    this.store = store;
    this.readiness = readiness;
    this.hints = hints;
    this.topology = topology;
    this.blocking =
        context.getSystem().dispatchers().lookup(ReplicaStore.BLOCKING);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ApplyAll.class, this::onApplyAll)
        .onMessage(Read.class, this::onRead)
        .onMessage(GetRoots.class, this::onGetRoots)
        .onMessage(GetTree.class, this::onGetTree)
        .onMessage(GetEntries.class, this::onGetEntries)
        .onMessage(Scan.class, this::onScan)
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(GetPartitionStates.class, this::onGetPartitionStates)
        .onMessage(StartRepair.class, this::onStartRepair)
        .onMessage(LeaveGracefully.class, this::onLeaveGracefully)
        .build();
  }

  private Behavior<Command> onApplyAll(ApplyAll apply) {
    answer(store.mergeAll(apply.entries()).thenApply(written -> Done.getInstance()), apply.replyTo());
    return this;
  }

  private static <T> void answer(CompletionStage<T> result, ActorRef<StatusReply<T>> replyTo) {
    result.whenComplete(
        (value, failure) ->
            replyTo.tell(failure == null ? StatusReply.success(value) : StatusReply.error(String.valueOf(failure.getMessage()))));
  }

  private Behavior<Command> onRead(Read read) {
    int partition = store.partitioner().partitionOf(read.key());
    read.replyTo()
        .tell(new ReadReply(topology.selfId(), readiness.isReady(partition), store.get(read.key()).orElse(null)));
    return this;
  }

  private Behavior<Command> onGetRoots(GetRoots get) {
    offBlocking(() -> new RootsReply(get.partitions(), store.roots(get.partitions())), get.replyTo());
    return this;
  }

  private Behavior<Command> onGetTree(GetTree get) {
    offBlocking(() -> new TreeReply(get.partition(), store.merkleTree(get.partition())), get.replyTo());
    return this;
  }

  private Behavior<Command> onGetEntries(GetEntries get) {
    Set<Integer> buckets = new HashSet<>(get.buckets());
    offBlocking(
        () -> {
          ReplicaStore.Page page = store.entries(get.partition(), buckets::contains, get.resumeAfter(), pageBytes);
          return new EntriesReply(page.entries(), page.resumeAfter());
        },
        get.replyTo());
    return this;
  }

  private Behavior<Command> onScan(Scan scan) {
    KeyGlob glob = scan.match() == null ? null : new KeyGlob(scan.match());
    Predicate<String> keys =
        key -> (scan.prefix() == null || key.startsWith(scan.prefix())) && (glob == null || glob.matches(key));
    offBlocking(
        () -> {
          ScanOrder.Page<ReplicaStore.Entry> page =
              store.scan(scan.partition(), scan.from(), scan.limit(), pageBytes, keys, scan.liveOnly(), System.currentTimeMillis());
          List<ReplicaStore.Entry> entries =
              scan.values() ? page.items() : page.items().stream().map(ReplicaStore.Entry::withoutValue).toList();
          return new ScanReply(topology.selfId(), readiness.isReady(scan.partition()), entries, page.next());
        },
        scan.replyTo());
    return this;
  }

  private Behavior<Command> onGetStats(GetStats get) {
    get.replyTo()
        .tell(
            new Stats(
                topology.selfId(),
                store.estimatedKeys(),
                topology.placement().partitionsOf(topology.selfId()).size(),
                readiness.readyCount(),
                hints.pendingCount(),
                hints.droppedCount(),
                store.conflictsResolved()));
    return this;
  }

  private Behavior<Command> onGetPartitionStates(GetPartitionStates get) {
    Ring.Placement placement = topology.placement();
    List<Integer> ready = placement.partitionsOf(topology.selfId()).stream().filter(readiness::isReady).toList();
    answer(
        parts
            .hostedShards()
            .get()
            .thenApply(
                hosted ->
                    new PartitionStates(topology.selfId(), placement.ring().version(), ready, hosted.stream().sorted().toList())),
        get.replyTo());
    return this;
  }

  private Behavior<Command> onLeaveGracefully(LeaveGracefully leave) {
    getContext().getLog().info("asked to leave the cluster: stopping as on SIGTERM");
    parts.leave().run();
    return this;
  }

  private Behavior<Command> onStartRepair(StartRepair start) {
    answer(parts.startRepair().get().thenApply(partitions -> new RepairPass(topology.selfId(), partitions)), start.replyTo());
    return this;
  }

  /** Partition scans read RocksDB for a while: not on the actor's dispatcher. */
  private <T> void offBlocking(Supplier<T> scan, ActorRef<T> replyTo) {
    CompletableFuture.supplyAsync(scan, blocking).thenAccept(replyTo::tell);
  }
}
