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
import com.typesafe.config.ConfigFactory;
import io.kvstore.entity.KeyEntity;
import io.kvstore.entity.KeyState;
import io.kvstore.entity.Precondition;
import io.kvstore.replication.HlcTimestamp;
import io.kvstore.replication.Register;
import io.kvstore.replication.VersionVector;
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
    return List.of(
        new KeyEntity.Put(register.value(), Precondition.matching("v3-x-n1"), 60_000, narrow(replyTo)),
        new KeyEntity.Put(register.value(), Precondition.absent(), 0, narrow(replyTo)),
        new KeyEntity.Delete(Precondition.NONE, narrow(replyTo)),
        new KeyEntity.Get(narrow(replyTo)),
        new KeyEntity.Expire(1_700_000_060_000L, narrow(replyTo)),
        new KeyEntity.Written(register),
        new KeyEntity.Deleted(tombstone),
        new KeyEntity.Expired(tombstone),
        new KeyEntity.WriteOutcome(true, register),
        new KeyEntity.WriteOutcome(false, null),
        new KeyEntity.Lookup(register),
        new KeyEntity.Lookup(null),
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
      // Byte-identical re-serialization: no field was lost (Put's byte[] defeats record equals).
      assertArrayEquals(bytes, serialization.serialize(back).get(), sample.getClass().getName());
      if (!(sample instanceof KeyEntity.Put)) {
        assertEquals(sample, back, sample.getClass().getName());
      }
    }
  }

  @Test
  void theSamplesCoverEveryProtocolType() {
    Set<Class<?>> covered = samples().stream().map(Object::getClass).collect(Collectors.toSet());
    Stream.of(KeyEntity.Command.class, KeyEntity.Event.class)
        .flatMap(sealed -> Arrays.stream(sealed.getPermittedSubclasses()))
        .forEach(type -> assertTrue(covered.contains(type), type.getName() + " has no sample"));
  }
}
