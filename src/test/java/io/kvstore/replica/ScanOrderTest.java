package io.kvstore.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ScanOrderTest {
  /** An item at a chosen position, with a size. */
  record Item(String name, long position, long bytes) {}

  private static ScanOrder.Page<Item> page(List<Item> items, long from, int limit, long maxBytes) {
    return ScanOrder.page(items, Item::position, Item::bytes, from, limit, maxBytes);
  }

  @Test
  void aPageTakesTheLowestPositionsFromWhereTheScanIs() {
    List<Item> items = List.of(new Item("c", 30, 1), new Item("a", 10, 1), new Item("b", 20, 1), new Item("d", 40, 1));
    ScanOrder.Page<Item> first = page(items, 0, 2, Long.MAX_VALUE);
    assertEquals(List.of("a", "b"), first.items().stream().map(Item::name).toList());
    assertEquals(30, first.next());
    ScanOrder.Page<Item> second = page(items, first.next(), 2, Long.MAX_VALUE);
    assertEquals(List.of("c", "d"), second.items().stream().map(Item::name).toList());
    assertEquals(ScanOrder.END, second.next());
  }

  @Test
  void keysAtTheSamePositionAreNeverSplitAcrossPages() {
    List<Item> items = List.of(new Item("a", 10, 1), new Item("b", 20, 1), new Item("b2", 20, 1), new Item("c", 30, 1));
    ScanOrder.Page<Item> first = page(items, 0, 2, Long.MAX_VALUE);
    assertEquals(List.of("a", "b", "b2"), first.items().stream().map(Item::name).toList(), "over the limit, not split");
    assertEquals(30, first.next());
  }

  @Test
  void theByteBudgetEndsAPageButTheFirstPositionAlwaysFits() {
    List<Item> items = List.of(new Item("a", 10, 500), new Item("b", 20, 500), new Item("c", 30, 1));
    ScanOrder.Page<Item> first = page(items, 0, 10, 100);
    assertEquals(List.of("a"), first.items().stream().map(Item::name).toList());
    assertEquals(20, first.next());
  }

  @Test
  void pagesResumedWhileKeysComeAndGoReturnEveryKeyPresentThroughoutExactlyOnce() {
    Random random = new Random(20261201);
    List<Item> stable = new ArrayList<>();
    IntStream.range(0, 1000).forEach(i -> stable.add(new Item("k" + i, ScanOrder.positionOf("k" + i), 10)));
    Set<String> seen = new HashSet<>();
    List<String> returned = new ArrayList<>();
    long from = 0;
    int round = 0;
    while (from != ScanOrder.END) {
      // Between pages, other keys appear and disappear (another replica may answer the next page).
      List<Item> now = new ArrayList<>(stable);
      for (int j = 0; j < 50; j++) {
        String churn = "churn-" + round + "-" + random.nextInt(1000);
        now.add(new Item(churn, ScanOrder.positionOf(churn), 10));
      }
      ScanOrder.Page<Item> page = page(now, from, 1 + random.nextInt(40), 400);
      page.items().stream().map(Item::name).filter(name -> name.startsWith("k")).forEach(returned::add);
      from = page.next();
      round++;
    }
    seen.addAll(returned);
    assertEquals(stable.size(), returned.size(), "no key twice");
    assertEquals(stable.stream().map(Item::name).collect(java.util.stream.Collectors.toSet()), seen, "every key");
  }

  @Test
  void positionsAreTheUnsignedPartitionerHash() {
    // murmur3_x86_32("hello", seed 0) = 0x248bfa47, as in PartitionerTest.
    assertEquals(0x248bfa47L, ScanOrder.positionOf("hello"));
  }
}
