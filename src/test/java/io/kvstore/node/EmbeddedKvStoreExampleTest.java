package io.kvstore.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.KvEntry;
import io.kvstore.api.KvStore;
import io.kvstore.api.KvVersion;
import io.kvstore.api.PayloadTooLargeException;
import io.kvstore.api.VersionConflictException;
import io.kvstore.api.WriteOptions;
import io.kvstore.api.WriteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java API example, kept honest: this is the same code, run. */
class EmbeddedKvStoreExampleTest {
  @TempDir Path dataDir;

  @Test
  void readmeExample() {
    // --- README example start
    try (KvStoreNode node = KvStoreNode.builder().dataDirectory(dataDir).withoutHttp().start()) {
      KvStore kv = node.kvStore();

      WriteResult written = kv.put("user:42", "Ada".getBytes(UTF_8)).toCompletableFuture().join();
      Optional<KvEntry> read = kv.get("user:42").toCompletableFuture().join();

      // Compare-and-set: succeeds only over the version we read.
      kv.put("user:42", "Ada L.".getBytes(UTF_8), WriteOptions.defaults().onlyIfVersion(written.version()))
          .toCompletableFuture()
          .join();

      // A session key that expires on its own.
      kv.put("session:9", new byte[] {1}, WriteOptions.defaults().withTtl(Duration.ofMinutes(30)))
          .toCompletableFuture()
          .join();
      // --- README example end

      assertEquals("Ada", new String(read.orElseThrow().value(), UTF_8));
      assertEquals("Ada L.", new String(kv.get("user:42", Consistency.ONE).toCompletableFuture().join().orElseThrow().value(), UTF_8));
      assertTrue(kv.get("session:9").toCompletableFuture().join().orElseThrow().expiresAt().isPresent());

      CompletionException stale =
          assertThrows(
              CompletionException.class,
              () -> kv.put("user:42", new byte[0], WriteOptions.defaults().onlyIfVersion(written.version())).toCompletableFuture().join());
      VersionConflictException conflict = assertInstanceOf(VersionConflictException.class, stale.getCause());
      assertTrue(conflict.currentVersion().isPresent());

      assertTrue(kv.delete("user:42").toCompletableFuture().join().isPresent());
      assertTrue(kv.get("user:42").toCompletableFuture().join().isEmpty());
      assertTrue(kv.delete("user:42").toCompletableFuture().join().isEmpty(), "nothing left to delete");

      List<KvVersion> history = kv.versions("user:42").toCompletableFuture().join();
      assertEquals(List.of(KvVersion.Kind.DELETE, KvVersion.Kind.WRITE, KvVersion.Kind.WRITE),
          history.stream().map(KvVersion::kind).toList());

      CompletionException tooBig =
          assertThrows(CompletionException.class, () -> kv.put("k".repeat(300), new byte[1]).toCompletableFuture().join());
      assertEquals(ErrorCode.KEY_TOO_LARGE, assertInstanceOf(PayloadTooLargeException.class, tooBig.getCause()).code());
    }
  }

  @Test
  void dataSurvivesAStopAndStartOnTheSameDirectory() {
    try (KvStoreNode node = KvStoreNode.builder().dataDirectory(dataDir).withoutHttp().start()) {
      node.kvStore().put("durable", "yes".getBytes(UTF_8)).toCompletableFuture().join();
    }
    try (KvStoreNode node = KvStoreNode.builder().dataDirectory(dataDir).withoutHttp().start()) {
      assertEquals("yes", new String(node.kvStore().get("durable").toCompletableFuture().join().orElseThrow().value(), UTF_8));
    }
  }
}
