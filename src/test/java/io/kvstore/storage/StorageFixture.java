package io.kvstore.storage;

import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.Persistence;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;

/** A local actor system whose persistence plugins are kvstore's, on RocksDB in a given directory. */
final class StorageFixture implements AutoCloseable {
  final ActorTestKit testKit;
  final ActorSystem classic;
  private final RocksDbStorage storage;

  StorageFixture(Path directory) {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "kvstore.storage.directory", directory.toString(),
                    "akka.actor.provider", "local"))
            .withFallback(ConfigFactory.load());
    this.testKit = ActorTestKit.create("storage", config);
    this.classic = Adapter.toClassic(testKit.system());
    this.storage = RocksDbStorage.get(testKit.system());
  }

  ActorRef journal() {
    return Persistence.get(classic).journalFor("kvstore.storage.journal", ConfigFactory.empty());
  }

  ActorRef snapshotStore() {
    return Persistence.get(classic)
        .snapshotStoreFor("kvstore.storage.snapshot-store", ConfigFactory.empty());
  }

  RocksDbStorage storage() {
    return storage;
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
    storage.whenClosed().toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
  }
}
