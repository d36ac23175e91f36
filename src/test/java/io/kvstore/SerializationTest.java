package io.kvstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.Mutation;
import io.kvstore.cluster.ClusterFormation;
import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.crdt.VersionVector;
import io.kvstore.entity.KeyEntity;
import io.kvstore.entity.KeyState;
import io.kvstore.entity.Precondition;
import io.kvstore.replica.MerkleTree;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.ring.Ring;
import io.kvstore.transport.ReplicaEndpoint;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message, event and state round-trips through Jackson CBOR, and none is left out. */
class SerializationTest {
  private static ActorTestKit testKit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    serialization = SerializationExtension.get(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static List<Object> samples() {
    ActorRef<Object> replyTo = testKit.createTestProbe().ref();
    Register register =
        new Register(
            "value".getBytes(StandardCharsets.UTF_8),
            new VersionVector(Map.of("n1", 3L, "n2", 1L)),
            new HlcTimestamp(1_700_000_000_000L, 2, "n1"),
            false,
            1_700_000_060_000L);
    Register tombstone = Register.tombstone(register, new HlcTimestamp(1_700_000_000_001L, 0, "n2"));
    KeyEntity.Refusal refusal = new KeyEntity.Refusal(ErrorCode.REPLICATION_FAILED, "1 of 2", true);
    ReplicaStore.Entry entry = new ReplicaStore.Entry("k", register);
    MerkleTree.Builder tree = new MerkleTree.Builder();
    tree.add("k", new byte[] {1, 2});
    return List.of(
        new KeyEntity.Put(
            register.value(), Precondition.matching("v3-x-n1"), 60_000, Consistency.QUORUM, narrow(replyTo)),
        new KeyEntity.Put(register.value(), Precondition.absent(), 0, Consistency.ALL, narrow(replyTo)),
        new KeyEntity.Delete(Precondition.NONE, Consistency.ONE, narrow(replyTo)),
        new KeyEntity.Mutate(new Mutation.Append(new byte[] {1, 2}), Precondition.NONE, 1024, Consistency.QUORUM, narrow(replyTo)),
        new KeyEntity.Mutate(new Mutation.SetRange(3, new byte[] {7}), Precondition.absent(), 1024, Consistency.ONE, narrow(replyTo)),
        new KeyEntity.Mutate(new Mutation.AddInteger(-5), Precondition.NONE, 1024, Consistency.ALL, narrow(replyTo)),
        new KeyEntity.Mutate(new Mutation.AddFloat("1.5e3"), Precondition.NONE, 1024, Consistency.QUORUM, narrow(replyTo)),
        new KeyEntity.Mutate(new Mutation.Replace(new byte[] {9}), Precondition.NONE, 1024, Consistency.QUORUM, narrow(replyTo)),
        new KeyEntity.Get(Consistency.LINEARIZABLE, narrow(replyTo)),
        new KeyEntity.Expire(1_700_000_060_000L, narrow(replyTo)),
        new KeyEntity.Written(register),
        new KeyEntity.Deleted(tombstone),
        new KeyEntity.Expired(tombstone),
        new KeyEntity.Merged(register),
        new KeyEntity.WriteOutcome(true, register, null),
        new KeyEntity.WriteOutcome(true, register, refusal),
        new KeyEntity.WriteOutcome(false, null, null),
        new KeyEntity.WriteOutcome(true, register, null, register),
        new KeyEntity.Lookup(register, null),
        new KeyEntity.Lookup(null, refusal),
        refusal,
        new ReplicaEndpoint.ApplyAll(List.of(entry), narrow(replyTo)),
        new ReplicaEndpoint.Read("k", narrow(replyTo)),
        new ReplicaEndpoint.ReadReply("n1", true, register),
        new ReplicaEndpoint.ReadReply("n2", false, null),
        new ReplicaEndpoint.GetRoots(List.of(3, 7), narrow(replyTo)),
        new ReplicaEndpoint.RootsReply(List.of(3, 7), new long[] {11L, -5L}),
        new ReplicaEndpoint.GetTree(7, narrow(replyTo)),
        new ReplicaEndpoint.TreeReply(7, tree.build()),
        new ReplicaEndpoint.GetEntries(7, List.of(1, 63), null, narrow(replyTo)),
        new ReplicaEndpoint.GetEntries(7, List.of(1, 63), "k", narrow(replyTo)),
        new ReplicaEndpoint.EntriesReply(List.of(entry), "k"),
        new ReplicaEndpoint.EntriesReply(List.of(), null),
        new ReplicaEndpoint.Scan(7, 0xfedcba98L, 100, "user:", "*:4?", true, false, narrow(replyTo)),
        new ReplicaEndpoint.Scan(7, 0, 1, null, null, false, true, narrow(replyTo)),
        new ReplicaEndpoint.ScanReply("node2", true, List.of(entry), 1L << 32),
        new ReplicaEndpoint.GetStats(narrow(replyTo)),
        new ReplicaEndpoint.Stats("n1", 10, 1024, 1000, 3, 0, 1),
        new ReplicaEndpoint.GetPartitionStates(narrow(replyTo)),
        new ReplicaEndpoint.PartitionStates("n1", 4, List.of(0, 5), List.of(5)),
        new ReplicaEndpoint.StartRepair(narrow(replyTo)),
        new ReplicaEndpoint.LeaveGracefully(),
        new ReplicaEndpoint.RepairPass("n1", 64),
        new ClusterFormation.Probe(narrow(replyTo)),
        new ClusterFormation.Answer("n1", true),
        new Ring(4, List.of("n1", "n2", "n3"), 1024, 3),
        new Ring(6, List.of("n1", "n2"), 1024, 3, List.of(new Ring.Earlier(4, List.of("n1", "n2", "n3")))),
        entry,
        new KeyState(register),
        KeyState.EMPTY,
        register,
        register.version(),
        register.stamp(),
        Precondition.NONE);
  }

  @SuppressWarnings("unchecked")
  private static <T> ActorRef<T> narrow(ActorRef<Object> ref) {
    return (ActorRef<T>) (ActorRef<?>) ref;
  }

  @Test
  void everySampleRoundTripsThroughJacksonCbor() throws Exception {
    for (Object sample : samples()) {
      Serializer serializer = serialization.findSerializerFor(sample);
      assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName(), sample.getClass().getName());
      byte[] bytes = serialization.serialize(sample).get();
      String manifest = Serializers.manifestFor(serializer, sample);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertEquals(sample.getClass(), back.getClass());
      // Byte-identical re-serialization: no field was lost (byte[] fields defeat record equals).
      assertArrayEquals(bytes, serialization.serialize(back).get(), sample.getClass().getName());
      // byte[] and long[] fields defeat record equals; the byte comparison above covers them.
      if (!(sample instanceof KeyEntity.Put
          || sample instanceof KeyEntity.Mutate
          || sample instanceof ReplicaEndpoint.ApplyAll
          || sample instanceof ReplicaEndpoint.RootsReply)) {
        assertEquals(sample, back, sample.getClass().getName());
      }
    }
  }

  @Test
  void aRingPublishedByABuildWithoutUnsettledRingsReadsAsSettled() throws Exception {
    Ring sample = new Ring(4, List.of("n1", "n2", "n3"), 1024, 3);
    Serializer serializer = serialization.findSerializerFor(sample);
    byte[] older =
        new ObjectMapper(new CBORFactory())
            .writeValueAsBytes(Map.of("version", 4, "nodes", List.of("n1", "n2", "n3"), "partitions", 1024, "replicationFactor", 3));
    Object back = serialization.deserialize(older, serializer.identifier(), Serializers.manifestFor(serializer, sample)).get();
    assertEquals(sample, back);
  }

  @Test
  void theSamplesCoverEveryProtocolType() {
    Set<Class<?>> covered = samples().stream().map(Object::getClass).collect(Collectors.toSet());
    // Private commands are an actor's messages to itself: they never cross the wire.
    Stream.of(KeyEntity.Command.class, KeyEntity.Event.class, ReplicaEndpoint.Command.class, ClusterFormation.Command.class)
        .flatMap(sealed -> Arrays.stream(sealed.getPermittedSubclasses()))
        .filter(type -> Modifier.isPublic(type.getModifiers()))
        .forEach(type -> assertTrue(covered.contains(type), type.getName() + " has no sample"));
  }
}
