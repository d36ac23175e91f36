package io.kvstore.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application that embeds a node, with its own application.conf and logging, as it would be. */
class EmbeddingConfigTest {

  @Test
  void anApplicationsOwnApplicationConfAddsToKvstoresSettingsInsteadOfHidingThem(@TempDir Path app) throws IOException {
    Files.writeString(app.resolve("application.conf"), "myapp.greeting = hello\nkvstore.request-timeout = 7s\n");
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    try (URLClassLoader withApp = new URLClassLoader(new URL[] {app.toUri().toURL()}, original)) {
      thread.setContextClassLoader(withApp);
      Config loaded = KvNode.load(ConfigFactory.parseString("kvstore.node-id = embedded"));

      assertEquals("hello", loaded.getString("myapp.greeting"), "the application's own setting");
      KvStoreSettings settings = KvStoreSettings.fromConfig(loaded);
      assertEquals(Duration.ofSeconds(7), settings.requestTimeout(), "the application's override of a kvstore setting");
      assertEquals(1024, settings.partitions(), "kvstore's default, from its reference.conf");
      assertEquals("embedded", settings.nodeId());
      assertEquals(
          "jackson-cbor",
          loaded.getString("akka.actor.serialization-bindings.\"io.kvstore.CborSerializable\""),
          "kvstore's serializer binding");
    } finally {
      thread.setContextClassLoader(original);
    }
  }

  @Test
  void theJarBringsNoLogbackConfigurationThatWouldReplaceTheApplications() {
    assertNull(getClass().getClassLoader().getResource("logback.xml"));
    assertNotNull(getClass().getClassLoader().getResource(Main.LOGBACK_CONFIGURATION), "the distribution's own");
  }
}
