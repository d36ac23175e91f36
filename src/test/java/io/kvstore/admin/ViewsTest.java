package io.kvstore.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tables and lines people read, from the node's JSON. */
class ViewsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void tablesAlignColumnsTwoSpacesApartWithNoTrailingBlanks() {
    assertEquals(
        "A     LONG HEADER  C\nwide  x\nb     y            last\n",
        Tables.render(List.of("A", "LONG HEADER", "C"), List.of(List.of("wide", "x", ""), List.of("b", "y", "last"))));
    assertThrows(IllegalArgumentException.class, () -> Tables.render(List.of("A", "B"), List.of(List.of("only one"))));
  }

  @Test
  void statusShowsEveryNodeAndMarksTheFiguresOfOneThatDidNotAnswer() throws Exception {
    JsonNode status =
        json(
            "{'nodes': [{'id': 'node1', 'address': 'akka://kvstore@10.0.0.1:25520', 'status': 'up', 'load': 1.0, 'partitions': 64,"
                + " 'primaries': 22, 'keys': 1200, 'partitions_ready': 64, 'hints_pending': 0, 'hints_dropped': 0, 'conflicts_resolved': 0},"
                + " {'id': 'node2', 'address': 'akka://kvstore@10.0.0.2:25520', 'status': 'suspect', 'load': 1.0, 'partitions': 64, 'primaries': 21}],"
                + " 'ring_version': 7, 'partitions': 64, 'replication_factor': 3, 'total_keys': 400, 'retired_nodes': ['node9'],"
                + " 'unsettled_rings': [{'version': 6, 'nodes': ['node1', 'node2', 'node9']}]}");
    assertEquals(
        """
        ring v7: 2 nodes, 64 partitions, replication factor 3, about 400 keys
        NODE   STATUS   PARTITIONS  PRIMARIES  READY  KEYS  HINTS  LOAD  ADDRESS
        node1  up       64          22         64     1200  0      1.0   akka://kvstore@10.0.0.1:25520
        node2  suspect  64          21         ?      ?     ?      1.0   akka://kvstore@10.0.0.2:25520
        ?: the node did not answer in time
        retired nodes: node9
        unsettled ring v6: node1, node2, node9
        """,
        Views.status(status));
  }

  @Test
  void partitionsListReplicasOwnerAndReadinessAndTheFilterKeepsThoseNotAllReady() throws Exception {
    JsonNode map =
        json(
            "{'ring_version': 3, 'partitions': ["
                + "{'id': 0, 'replicas': ['node2', 'node1'], 'entity_owner': 'node2', 'readiness': {'node2': 'ready', 'node1': 'ready'}},"
                + "{'id': 1, 'replicas': ['node1', 'node3'], 'entity_owner': null, 'readiness': {'node1': 'catching_up', 'node3': 'unknown'}}],"
                + " 'unanswered_nodes': ['node3']}");
    String footer =
        "ring v3: 2 partitions, 1 with every replica ready, 1 whose entities run nowhere yet (-: started on first use)\n"
            + "no answer from node3: their readiness is unknown, and they may run entities shown with none\n";
    assertEquals(
        """
        PARTITION  REPLICAS     OWNER  READINESS
        0          node2,node1  node2  ready,ready
        1          node1,node3  -      catching_up,unknown
        """
            + footer,
        Views.partitions(map, false));
    assertEquals(
        """
        PARTITION  REPLICAS     OWNER  READINESS
        1          node1,node3  -      catching_up,unknown
        """
            + footer,
        Views.partitions(map, true));
  }

  @Test
  void aLeaveSaysTheNodeMayComeBackAndARetirementThatItMayNot() throws Exception {
    assertEquals(
        "node3: leaving; not retired: it may join again under its id, with its data\n",
        Views.removal(json("{'node_id': 'node3', 'status': 'leaving', 'action': 'leave', 'retired': false}")));
    assertEquals(
        "node3: down; retired: its id never joins the ring again\n",
        Views.removal(json("{'node_id': 'node3', 'status': 'down', 'action': 'down', 'retired': true}")));
  }

  @Test
  void aRepairNamesWhereItStartedAndWhereItMayNotHave() throws Exception {
    assertEquals(
        "node1: anti-entropy pass started over 64 partitions\nnode3: no answer in time (the pass may have started)\n",
        Views.repair(json("{'started': [{'node_id': 'node1', 'partitions': 64}], 'unanswered_nodes': ['node3']}")));
  }

  @Test
  void aWriteShowsItsVersionAndExpiry() throws Exception {
    assertEquals(
        "k: ok, version v1-x-node1, expires at 2026-11-23T00:00:00Z\n",
        Views.write(json("{'key': 'k', 'version': 'v1-x-node1', 'timestamp': 1, 'status': 'ok', 'expires_at': 1795392000000}")));
  }
}
