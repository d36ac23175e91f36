package io.kvstore.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The members of the last ring this node installed, kept in its data directory across restarts.
 *
 * <p>Why: a restarted node that cannot reach the others in time may form a cluster of its own
 * (Akka's first seed node joins itself when no other seed answers within the seed-node timeout).
 * Such a cluster must not publish a ring and serve writes on its own: a new ring is published
 * only while a majority of the remembered members are present, so two clusters can never both
 * acknowledge writes. A fresh node remembers nothing and is not held back.
 */
public final class RingMemory {
  private final Path file;

  public RingMemory(Path dataDirectory) {
    this.file = dataDirectory.resolve("ring-members");
  }

  public List<String> load() {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Replaces the remembered members, atomically: a crash leaves the old list or the new one. */
  public void remember(Collection<String> members) {
    try {
      Path written = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), String.join("\n", members) + "\n");
      Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Whether a cluster in which {@code present} are members may publish a new ring: when nothing
   * is remembered, or when a strict majority of the remembered members are present.
   */
  public static boolean mayPublish(List<String> remembered, Set<String> present) {
    long here = remembered.stream().filter(present::contains).count();
    return remembered.isEmpty() || here * 2 > remembered.size();
  }
}
