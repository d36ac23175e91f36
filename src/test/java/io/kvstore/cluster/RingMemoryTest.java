package io.kvstore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingMemoryTest {
  @TempDir Path directory;

  @Test
  void rememberedMembersSurviveARestart() {
    assertEquals(List.of(), new RingMemory(directory).load());
    new RingMemory(directory).remember(List.of("node1", "node2", "node3"));
    new RingMemory(directory).remember(List.of("node1", "node3"));
    assertEquals(List.of("node1", "node3"), new RingMemory(directory).load());
  }

  @Test
  void aFreshNodeMayAlwaysPublish() {
    assertTrue(RingMemory.mayPublish(List.of(), Set.of("node1")));
  }

  @Test
  void aRestartedNodeAloneMayNotPublishButAMajorityMay() {
    List<String> last = List.of("node1", "node2", "node3");
    assertFalse(RingMemory.mayPublish(last, Set.of("node1")), "a cluster of one out of three");
    assertFalse(RingMemory.mayPublish(last, Set.of("node1", "node9")), "strangers do not count");
    assertTrue(RingMemory.mayPublish(last, Set.of("node1", "node2")));
    assertTrue(RingMemory.mayPublish(List.of("node1"), Set.of("node1")), "a single node restarting");
    assertFalse(RingMemory.mayPublish(List.of("node1", "node2"), Set.of("node2")), "half is not a majority");
  }
}
