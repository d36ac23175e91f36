package io.kvstore.ring;

import io.kvstore.CborSerializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * Which nodes hold each partition: a preference list of N distinct nodes per partition, computed
 * deterministically from the member names alone, so every node that sees the same members
 * derives the same ring.
 *
 * <p>Placement is rendezvous hashing with bounded loads: each partition ranks the nodes by
 * {@code murmur3(node, partition)}; rank by rank, it takes its best-ranked node that still has
 * room, where room is an exact share ({@code ceil(P / n)}) of that rank's slots. Rendezvous
 * hashing alone moves only the partitions a joining or leaving node wins or loses (about 1/n),
 * but at 1024 partitions its loads spread ±15%; the cap makes them even, at the price of a few
 * extra moves when the cap changes. {@code RingTest} holds both bounds.
 *
 * <p>A ring also carries the earlier rings it has not settled yet. A QUORUM write acknowledged
 * under an earlier ring is on a majority of that ring's replicas, which may all have left this
 * one's preference list; a replica catching up compares with a majority of those too (see {@link
 * Placement#caughtUp}). Once every member reports that it caught up on all its partitions under
 * this very version, each of its replicas holds every write acknowledged before it, and a newer
 * version drops the earlier rings ({@link #settled()}).
 *
 * @param version increases with every change of members or settlement, as published through
 *     Distributed Data
 * @param nodes the member node ids, sorted
 * @param unsettled earlier rings, oldest first, whose writes not every replica has caught up on
 */
public record Ring(long version, List<String> nodes, int partitions, int replicationFactor, List<Earlier> unsettled)
    implements CborSerializable {

  /** An earlier ring by its members; its placement follows from them as any ring's does. */
  public record Earlier(long version, List<String> nodes) implements CborSerializable {}

  public Ring {
    nodes = List.copyOf(new TreeSet<>(nodes));
    // Absent in a ring published by a build before the field existed.
    unsettled = unsettled == null ? List.of() : List.copyOf(unsettled);
    if (partitions <= 0 || Integer.bitCount(partitions) != 1) {
      throw new IllegalArgumentException("partitions must be a power of two, was " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1");
    }
  }

  public Ring(long version, List<String> nodes, int partitions, int replicationFactor) {
    this(version, nodes, partitions, replicationFactor, List.of());
  }

  /** The next ring for other members: this one joins the unsettled rings (unless it had none). */
  public Ring withMembers(long newVersion, List<String> members) {
    List<Earlier> earlier =
        nodes.isEmpty() ? unsettled : Stream.concat(unsettled.stream(), Stream.of(new Earlier(version, nodes))).toList();
    return new Ring(newVersion, members, partitions, replicationFactor, earlier);
  }

  /**
   * Whether every member reported catching up under this version ({@code settledVersions}: the
   * last version each node reported), so the unsettled rings can go.
   */
  public boolean settledBy(Map<String, Long> settledVersions) {
    return !unsettled.isEmpty() && nodes.stream().allMatch(node -> Long.valueOf(version).equals(settledVersions.get(node)));
  }

  /** The same members under the next version, with nothing unsettled. */
  public Ring settled() {
    return new Ring(version + 1, nodes, partitions, replicationFactor, List.of());
  }

  /** Replicas per partition: N, or the number of nodes when there are fewer. */
  public int replicasPerPartition() {
    return Math.min(replicationFactor, nodes.size());
  }

  /**
   * Majority of a partition's replicas, the W and R of QUORUM.
   */
  public int quorum() {
    return replicasPerPartition() / 2 + 1;
  }

  public Placement placement() {
    return Placement.of(this);
  }

  /** The preference lists of a ring, computed once per ring. */
  public static final class Placement {
    private final Ring ring;
    private final String[][] replicas;
    private final List<Placement> unsettled;

    private Placement(Ring ring, String[][] replicas) {
      this.ring = ring;
      this.replicas = replicas;
      this.unsettled =
          ring.unsettled.stream()
              .map(earlier -> new Ring(earlier.version(), earlier.nodes(), ring.partitions, ring.replicationFactor).placement())
              .toList();
    }

    static Placement of(Ring ring) {
      int n = ring.nodes.size();
      int perPartition = ring.replicasPerPartition();
      String[][] lists = new String[ring.partitions][perPartition];
      if (n == 0) {
        return new Placement(ring, new String[ring.partitions][0]);
      }
      int[][] ranking = new int[ring.partitions][];
      for (int p = 0; p < ring.partitions; p++) {
        ranking[p] = rank(ring.nodes, p);
      }
      int cap = (ring.partitions + n - 1) / n;
      for (int slot = 0; slot < perPartition; slot++) {
        int[] load = new int[n];
        for (int p = 0; p < ring.partitions; p++) {
          int chosen = choose(ranking[p], lists[p], slot, load, cap, ring.nodes);
          lists[p][slot] = ring.nodes.get(chosen);
          load[chosen]++;
        }
      }
      return new Placement(ring, lists);
    }

    private static int choose(int[] ranked, String[] taken, int slot, int[] load, int cap, List<String> nodes) {
      int fallback = -1;
      for (int candidate : ranked) {
        if (contains(taken, slot, nodes.get(candidate))) {
          continue;
        }
        if (load[candidate] < cap) {
          return candidate;
        }
        if (fallback < 0) {
          fallback = candidate;
        }
      }
      return fallback;
    }

    private static boolean contains(String[] taken, int upTo, String node) {
      for (int i = 0; i < upTo; i++) {
        if (taken[i].equals(node)) {
          return true;
        }
      }
      return false;
    }

    /** Node indexes, best first, by each node's hash for this partition. */
    private static int[] rank(List<String> nodes, int partition) {
      Integer[] order = new Integer[nodes.size()];
      long[] scores = new long[nodes.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
        byte[] seed = (nodes.get(i) + "#" + partition).getBytes(StandardCharsets.UTF_8);
        scores[i] = MurmurHash3.hash128x64(seed, 0, seed.length, 0)[0];
      }
      Arrays.sort(order, Comparator.comparingLong((Integer i) -> scores[i]).reversed().thenComparing(i -> nodes.get(i)));
      return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    public Ring ring() {
      return ring;
    }

    /** The partition's preference list, primary first. */
    public List<String> replicas(int partition) {
      return List.of(replicas[partition]);
    }

    /**
     * The replica lists a replica of the partition catches up from: this ring's, then each
     * unsettled earlier ring's that differs from it, oldest first.
     */
    public List<List<String>> catchUpSources(int partition) {
      return Stream.concat(Stream.of(this), unsettled.stream()).map(placement -> placement.replicas(partition)).distinct().toList();
    }

    /** Every node of {@link #catchUpSources}, but {@code self}. */
    public Set<String> catchUpPeers(String self, int partition) {
      Set<String> peers = new TreeSet<>();
      catchUpSources(partition).forEach(peers::addAll);
      peers.remove(self);
      return peers;
    }

    /**
     * Whether {@code self}, having compared the partition with {@code synced}, holds every QUORUM
     * write acknowledged under this ring or an unsettled earlier one: such a write is on a
     * majority of its ring's replicas, so from each replica list enough nodes must have been
     * compared to meet every majority of it. A retired node never returns: an operator who
     * retired it accepted losing what only it held, so it is not waited for.
     */
    public boolean caughtUp(String self, int partition, Set<String> synced, Set<String> retired) {
      for (List<String> source : catchUpSources(partition)) {
        int meetsEveryMajority = source.size() - (source.size() / 2 + 1) + 1;
        long remaining = source.stream().filter(node -> !retired.contains(node)).count();
        long compared =
            source.stream().filter(node -> !retired.contains(node) && (node.equals(self) || synced.contains(node))).count();
        if (compared < Math.min(meetsEveryMajority, remaining)) {
          return false;
        }
      }
      return true;
    }

    public String primary(int partition) {
      return replicas[partition].length == 0 ? null : replicas[partition][0];
    }

    public boolean isReplica(String node, int partition) {
      return contains(replicas[partition], replicas[partition].length, node);
    }

    /** Partitions {@code node} holds a replica of. */
    public List<Integer> partitionsOf(String node) {
      List<Integer> owned = new ArrayList<>();
      for (int p = 0; p < replicas.length; p++) {
        if (isReplica(node, p)) {
          owned.add(p);
        }
      }
      return owned;
    }

    /** Partitions whose primary is {@code node}. */
    public int primaryCount(String node) {
      int count = 0;
      for (String[] list : replicas) {
        if (list.length > 0 && list[0].equals(node)) {
          count++;
        }
      }
      return count;
    }
  }
}
