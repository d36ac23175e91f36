package io.kvstore.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The replica store's on-disk register layout: lossless, and strict about what it reads. */
class RegisterFormatTest {
  private static final Register SAMPLE =
      new Register(new byte[] {1, 2, 3}, new VersionVector(Map.of("n1", 3L, "n2", 1L)), new HlcTimestamp(1_000, 2, "n1"), false, 0);

  @Provide
  Arbitrary<Register> registers() {
    Arbitrary<String> nodes = Arbitraries.strings().ofMinLength(1).ofMaxLength(12);
    Arbitrary<HlcTimestamp> stamps =
        Combinators.combine(Arbitraries.longs().greaterOrEqual(0), Arbitraries.integers().greaterOrEqual(0), nodes)
            .as(HlcTimestamp::new);
    Arbitrary<VersionVector> versions =
        Arbitraries.maps(nodes, Arbitraries.longs().greaterOrEqual(1)).ofMaxSize(6).map(VersionVector::new);
    return Combinators.combine(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(2048),
            versions,
            stamps,
            Arbitraries.of(true, false),
            Arbitraries.longs().greaterOrEqual(0))
        .as(Register::new);
  }

  @Property(seed = "20261123")
  void everyRegisterReadsBackEqual(@ForAll("registers") Register register) {
    byte[] stored = RegisterFormat.encode(register);
    assertTrue(RegisterFormat.isThisFormat(stored));
    assertEquals(register, RegisterFormat.decode(stored));
  }

  @Example
  void truncatedOrPaddedBytesAreRefused() {
    byte[] stored = RegisterFormat.encode(SAMPLE);
    assertThrows(IllegalArgumentException.class, () -> RegisterFormat.decode(Arrays.copyOf(stored, stored.length - 1)));
    assertThrows(IllegalArgumentException.class, () -> RegisterFormat.decode(Arrays.copyOf(stored, stored.length + 1)));
    assertThrows(IllegalArgumentException.class, () -> RegisterFormat.decode(new byte[0]));
  }

  @Example
  void aLengthLargerThanTheInputIsRefusedBeforeAnythingIsAllocated() {
    byte[] stored = RegisterFormat.encode(SAMPLE);
    stored[1] = 0x7f; // the value's length follows the format byte: now about 2 GiB
    assertThrows(IllegalArgumentException.class, () -> RegisterFormat.decode(stored));
  }

  @Example
  void anUnknownLayoutIsRefusedAndJacksonCborIsNotTakenForThisFormat() {
    byte[] stored = RegisterFormat.encode(SAMPLE);
    stored[0] = 2;
    assertFalse(RegisterFormat.isThisFormat(stored));
    assertThrows(IllegalArgumentException.class, () -> RegisterFormat.decode(stored));
    // A Jackson CBOR object starts with a map header: definite (0xA0-0xB7) or indefinite (0xBF).
    assertFalse(RegisterFormat.isThisFormat(new byte[] {(byte) 0xBF}));
    assertFalse(RegisterFormat.isThisFormat(new byte[] {(byte) 0xA5}));
  }
}
