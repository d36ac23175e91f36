package io.kvstore.cluster;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.ddata.GSet;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Join;
import akka.cluster.typed.Leave;
import akka.pattern.StatusReply;
import io.kvstore.Stages;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.KvCluster;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.ring.Ring;
import io.kvstore.transport.PeerAsk;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.StreamSupport;

/**
 * {@link KvCluster} on Akka Cluster: membership, the ring, and what each node's replica endpoint
 * reports about itself or starts on request.
 */
public final class ClusterAdmin implements KvCluster {
  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final Topology topology;
  private final Duration timeout;
  private final ReplicaStore replicas;
  private final RetiredNodes retired;
  private final PeerAsk peers;
  /** The address this node was last told to join; null before that. */
  private Address joining;

  public ClusterAdmin(
      ActorSystem<?> system, Topology topology, ReplicaStore replicas, RetiredNodes retired, Duration timeout) {
    this.system = system;
    this.retired = retired;
    this.replicas = replicas;
    this.cluster = Cluster.get(system);
    this.topology = topology;
    this.timeout = timeout;
    // Fails at once for a node the failure detector distrusts: it is reported unknown without a wait.
    this.peers = new PeerAsk(topology, timeout, system.scheduler());
  }

  @Override
  public CompletionStage<Status> status() {
    Ring.Placement placement = topology.placement();
    Ring ring = placement.ring();
    List<Member> members =
        StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
            .filter(m -> RingKeeper.nodeIdOf(m).isPresent())
            .toList();
    List<CompletableFuture<NodeStatus>> nodes = new ArrayList<>();
    double evenShare = ring.nodes().isEmpty() ? 1 : (double) ring.partitions() * ring.replicasPerPartition() / ring.nodes().size();
    for (Member member : members) {
      String id = RingKeeper.nodeIdOf(member).orElseThrow();
      int partitions = placement.partitionsOf(id).size();
      String status =
          cluster.state().getUnreachable().contains(member)
              ? "suspect"
              : member.status().toString().toLowerCase(Locale.ROOT);
      CompletableFuture<NodeStats> stats =
          topology
              .endpoint(id)
              .map(
                  endpoint ->
                      Stages.direct(
                              AskPattern.<ReplicaEndpoint.Command, ReplicaEndpoint.Stats>ask(
                                  endpoint, ReplicaEndpoint.GetStats::new, timeout, system.scheduler()))
                          .thenApply(ClusterAdmin::nodeStats)
                          .exceptionally(failure -> null))
              .orElse(CompletableFuture.completedFuture(null));
      nodes.add(
          stats.thenApply(
              s ->
                  new NodeStatus(
                      id,
                      member.address().toString(),
                      status,
                      Math.round(partitions / evenShare * 100) / 100.0,
                      partitions,
                      placement.primaryCount(id),
                      s)));
    }
    return CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<NodeStatus> all = nodes.stream().map(CompletableFuture::join).toList();
              long keys = all.stream().filter(n -> n.stats() != null).mapToLong(n -> n.stats().keys()).sum();
              return new Status(
                  ring.version(),
                  ring.partitions(),
                  ring.replicationFactor(),
                  all,
                  keys / Math.max(1, ring.replicasPerPartition()),
                  retired.ids().stream().sorted().toList(),
                  ring.unsettled().stream().map(earlier -> new EarlierRing(earlier.version(), earlier.nodes())).toList());
            });
  }

  private static NodeStats nodeStats(ReplicaEndpoint.Stats stats) {
    return new NodeStats(
        stats.keys(), stats.partitionsReady(), stats.hintsPending(), stats.hintsDropped(), stats.conflictsResolved());
  }

  @Override
  public CompletionStage<Partitions> partitions() {
    Ring.Placement placement = topology.placement();
    List<String> nodes = placement.ring().nodes();
    return askEach(nodes, ReplicaEndpoint.GetPartitionStates::new)
        .thenApply(
            answers -> {
              Map<String, PartitionMap.Report> reports = new HashMap<>();
              answers.forEach(
                  (node, states) ->
                      reports.put(node, new PartitionMap.Report(Set.copyOf(states.ready()), Set.copyOf(states.hosted()))));
              return new Partitions(placement.ring().version(), PartitionMap.of(placement, reports), unanswered(nodes, answers));
            });
  }

  @Override
  public CompletionStage<Repair> repair(boolean everyNode) {
    List<String> nodes = everyNode ? topology.placement().ring().nodes() : List.of(topology.selfId());
    return askEach(nodes, ReplicaEndpoint.StartRepair::new)
        .thenApply(
            answers ->
                new Repair(
                    answers.values().stream().map(pass -> new RepairStarted(pass.node(), pass.partitions())).toList(),
                    unanswered(nodes, answers)));
  }

  /** Asks every node's endpoint at once: the answers of those that answered in time, in the order of {@code nodes}. */
  private <R> CompletableFuture<Map<String, R>> askEach(
      List<String> nodes, Function<ActorRef<StatusReply<R>>, ReplicaEndpoint.Command> message) {
    Map<String, CompletableFuture<R>> asked = new LinkedHashMap<>();
    nodes.forEach(node -> asked.put(node, peers.<StatusReply<R>>ask(node, message).thenApply(StatusReply::getValue)));
    return CompletableFuture.allOf(
            asked.values().stream().map(answer -> answer.exceptionally(failure -> null)).toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, R> answered = new LinkedHashMap<>();
              asked.forEach(
                  (node, answer) -> {
                    if (!answer.isCompletedExceptionally()) {
                      answered.put(node, answer.join());
                    }
                  });
              return answered;
            });
  }

  private static List<String> unanswered(List<String> nodes, Map<String, ?> answers) {
    return nodes.stream().filter(node -> !answers.containsKey(node)).toList();
  }

  @Override
  public CompletionStage<MerkleRoots> merkleRoots() {
    Ring.Placement placement = topology.placement();
    return CompletableFuture.supplyAsync(
        () -> {
          SortedMap<Integer, Long> roots = new TreeMap<>();
          for (int partition : placement.partitionsOf(topology.selfId())) {
            roots.put(partition, replicas.merkleTree(partition).root());
          }
          return new MerkleRoots(topology.selfId(), placement.ring().version(), roots);
        },
        system.dispatchers().lookup(ReplicaStore.BLOCKING));
  }

  /**
   * Only a node started with {@code kvstore.cluster.await-join = on} that has not joined yet can
   * be told to. Asked again while joining, it joins the new address instead (Akka retries a join
   * for ever, so a mistyped address must be correctable), and refuses the address it is already
   * joining.
   */
  @Override
  public synchronized String join(String hostAndPort) {
    Address address = parseAddress(system.name(), hostAndPort);
    if (cluster.state().getMembers().iterator().hasNext()) {
      throw new InvalidRequestException(
          ErrorCode.ALREADY_MEMBER, "this node is already a cluster member; start it with --await-join to join it by request");
    }
    if (address.equals(joining)) {
      throw new InvalidRequestException(
          ErrorCode.ALREADY_JOINING, "this node is already joining " + address + " and retries until it is let in");
    }
    joining = address;
    cluster.manager().tell(Join.create(address));
    return address.toString();
  }

  /**
   * An Akka remoting address of this cluster's actor system: {@code host:port}, or the full
   * {@code akka://<system>@host:port}, with a port of 1 to 65535.
   */
  static Address parseAddress(String systemName, String text) {
    String trimmed = text == null ? "" : text.trim();
    String uri = trimmed.contains("://") ? trimmed : "akka://" + systemName + "@" + trimmed;
    Address address;
    try {
      address = AddressFromURIString.parse(uri);
    } catch (Exception malformed) {
      // Akka throws the checked MalformedURLException for some texts, IllegalArgumentException for others.
      address = null;
    }
    boolean valid =
        address != null
            && address.protocol().equals("akka")
            && address.system().equals(systemName)
            && address.host().filter(host -> !host.isBlank()).isDefined()
            && address.port().filter(port -> (Integer) port >= 1 && (Integer) port <= 65535).isDefined();
    if (!valid) {
      throw new InvalidRequestException(
          ErrorCode.INVALID_ADDRESS, "address must be host:port (Akka remoting, port 1-65535) or akka://" + systemName + "@host:port, was '" + text + "'");
    }
    return address;
  }

  /**
   * Asks the member to leave gracefully (its shards and partitions move first), or marks it down when {@code force} is set or it is unreachable (it cannot leave by itself
   * then). Its node id is retired: pruned from version vectors and never again in the ring.
   */
  @Override
  public Optional<Removal> remove(String nodeId, boolean force) {
    return member(nodeId)
        .map(
            member -> {
              retire(nodeId);
              if (force || cluster.state().getUnreachable().contains(member)) {
                cluster.manager().tell(new Down(member.address()));
                return Removal.DOWN;
              }
              cluster.manager().tell(Leave.create(member.address()));
              return Removal.LEAVE;
            });
  }

  /**
   * A graceful leave: the member stops as on SIGTERM (it hands its partitions off, its shards
   * move, the ring drops it, its process exits). A member whose endpoint is not reachable is
   * given Akka's Leave, which it acts on if it comes back; the split brain resolver downs it
   * otherwise, which does not retire it either.
   */
  @Override
  public boolean leave(String nodeId) {
    Optional<Member> member = member(nodeId);
    member.ifPresent(
        leaving ->
            topology
                .reachableEndpoint(nodeId)
                .ifPresentOrElse(
                    endpoint -> endpoint.tell(new ReplicaEndpoint.LeaveGracefully()),
                    () -> cluster.manager().tell(Leave.create(leaving.address()))));
    return member.isPresent();
  }

  private Optional<Member> member(String nodeId) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(member -> RingKeeper.nodeIdOf(member).map(nodeId::equals).orElse(false) && member.status() != MemberStatus.removed())
        .findFirst();
  }

  /** Written locally first; gossip carries it to every node, the ones that do not answer now included. */
  private void retire(String nodeId) {
    DistributedData.get(system)
        .replicator()
        .tell(
            new Replicator.Update<>(
                RingKeeper.RETIRED_KEY,
                GSet.<String>create(),
                new Replicator.WriteMajority(timeout),
                system.ignoreRef(),
                retired -> retired.add(nodeId)));
  }
}
