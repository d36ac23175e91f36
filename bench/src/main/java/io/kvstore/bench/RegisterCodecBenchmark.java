package io.kvstore.bench;

import akka.actor.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.ConfigFactory;
import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.crdt.RegisterFormat;
import io.kvstore.crdt.VersionVector;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the replica store pays per write to read the stored register and write the merged one:
 * one decode and one encode, as Jackson CBOR through Akka serialization (the format before) and
 * as {@link RegisterFormat}. Single thread; the two alternate in rounds so that drift in this
 * machine's speed hits both; the median round is reported.
 */
@Command(name = "register-codec-benchmark", mixinStandardHelpOptions = true)
public final class RegisterCodecBenchmark implements Runnable {
  @Option(names = "--value-bytes", defaultValue = "1024")
  private int valueBytes;

  @Option(names = "--rounds", defaultValue = "15")
  private int rounds;

  @Option(names = "--ops-per-round", defaultValue = "200000")
  private int opsPerRound;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RegisterCodecBenchmark()).execute(args));
  }

  @Override
  public void run() {
    ActorSystem system =
        ActorSystem.create("codec", ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    try {
      Serialization serialization = SerializationExtension.get(system);
      byte[] value = new byte[valueBytes];
      Arrays.fill(value, (byte) 'v');
      Register register =
          new Register(
              value,
              new VersionVector(Map.of("node1", 41L, "node2", 17L, "node3", 5L)),
              new HlcTimestamp(1_795_000_000_000L, 3, "node1"),
              false,
              0L);
      UnaryOperator<byte[]> jackson =
          stored -> serialization.serialize(serialization.deserialize(stored, Register.class).get()).get();
      UnaryOperator<byte[]> binary = stored -> RegisterFormat.encode(RegisterFormat.decode(stored));
      byte[] jacksonBytes = serialization.serialize(register).get();
      byte[] binaryBytes = RegisterFormat.encode(register);

      long[] jacksonNanos = new long[rounds];
      long[] binaryNanos = new long[rounds];
      for (int round = -3; round < rounds; round++) { // three unreported rounds for the JIT
        long jacksonRound = nanosPerOp(jackson, jacksonBytes);
        long binaryRound = nanosPerOp(binary, binaryBytes);
        if (round >= 0) {
          jacksonNanos[round] = jacksonRound;
          binaryNanos[round] = binaryRound;
        }
      }
      long jacksonMedian = median(jacksonNanos);
      long binaryMedian = median(binaryNanos);
      System.out.printf(
          "register of %d value bytes, decode + encode, median of %d rounds of %d:%n", valueBytes, rounds, opsPerRound);
      System.out.printf("  Jackson CBOR    %6d ns  (%d bytes stored)%n", jacksonMedian, jacksonBytes.length);
      System.out.printf("  RegisterFormat  %6d ns  (%d bytes stored)%n", binaryMedian, binaryBytes.length);
      System.out.printf("  ratio           %6.1fx%n", (double) jacksonMedian / binaryMedian);
    } finally {
      system.terminate();
    }
  }

  private long nanosPerOp(UnaryOperator<byte[]> roundTrip, byte[] stored) {
    long checksum = 0;
    long start = System.nanoTime();
    for (int i = 0; i < opsPerRound; i++) {
      checksum += roundTrip.apply(stored).length;
    }
    long elapsed = System.nanoTime() - start;
    if (checksum != (long) stored.length * opsPerRound) {
      throw new IllegalStateException("a round trip changed the register's size");
    }
    return elapsed / opsPerRound;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
