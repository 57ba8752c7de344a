/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.Version;
import org.opensearch.action.OriginalIndices;
import org.opensearch.action.support.replication.ClusterStateCreationUtils;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodeRole;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.routing.IndexShardRoutingTable;
import org.opensearch.common.lease.Releasable;
import org.opensearch.common.settings.Setting;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.search.SearchShardTarget;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.settings.RealmSettings.NodeSelection;
import org.opensearchrealm.settings.RealmSettings.ReadFallback;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class ReadNodeSelectorTests extends OpenSearchTestCase {

    /** The role as a plugin such as ml-commons registers it. */
    private static final DiscoveryNodeRole REGISTERED_ML = new DiscoveryNodeRole("ml", "ml") {
        @Override
        public Setting<Boolean> legacySetting() {
            return null;
        }
    };

    private static final long COOLDOWN = 10_000_000_000L;

    private static DiscoveryNode node(String id, DiscoveryNodeRole... roles) {
        return new DiscoveryNode(id, id, buildNewFakeTransportAddress(), Map.of(), Set.of(roles), Version.CURRENT);
    }

    private static DiscoveryNodes nodes(String local, DiscoveryNode... nodes) {
        DiscoveryNodes.Builder builder = DiscoveryNodes.builder();
        for (DiscoveryNode n : nodes) {
            builder.add(n);
        }
        return builder.localNodeId(local).clusterManagerNodeId(nodes[0].getId()).build();
    }

    private static DiscoveryNode select(ReadNodeSelector selector, DiscoveryNodes nodes, NodeSelection policy, Set<String> excluded) {
        return selector.select(nodes, ReadFallback.COORDINATOR, policy, List.of(), excluded, COOLDOWN, System.nanoTime());
    }

    public void testMlNodesAreFoundByRoleName() {
        DiscoveryNodeRole dynamic = DiscoveryNode.getRoleFromRoleName("ML");
        assertTrue("an unregistered role name becomes a dynamic role", dynamic.isDynamicRole());
        assertNotEquals("a dynamic and a registered role of one name are not equal", dynamic, REGISTERED_ML);

        DiscoveryNode data = node("data", DiscoveryNodeRole.DATA_ROLE, DiscoveryNodeRole.CLUSTER_MANAGER_ROLE);
        DiscoveryNode mlDynamic = node("ml-dynamic", dynamic);
        DiscoveryNode mlRegistered = node("ml-registered", DiscoveryNodeRole.DATA_ROLE, REGISTERED_ML);
        DiscoveryNode other = node("other", DiscoveryNode.getRoleFromRoleName("mlx"));
        assertFalse(ReadNodeSelector.isMlNode(data));
        assertTrue(ReadNodeSelector.isMlNode(mlDynamic));
        assertTrue(ReadNodeSelector.isMlNode(mlRegistered));
        assertFalse(ReadNodeSelector.isMlNode(other));
        assertEquals(
            List.of(mlDynamic, mlRegistered),
            ReadNodeSelector.mlNodes(nodes("data", data, mlRegistered, other, mlDynamic))
        );
    }

    public void testWhichNodesReadLocally() {
        DiscoveryNode data = node("data", DiscoveryNodeRole.DATA_ROLE, DiscoveryNodeRole.CLUSTER_MANAGER_ROLE);
        DiscoveryNode ml = node("ml", DiscoveryNodeRole.DATA_ROLE, REGISTERED_ML);
        assertTrue("no ML node: every node may read", ReadNodeSelector.readsLocally(nodes("data", data)));
        assertFalse("an ML node reads, not this one", ReadNodeSelector.readsLocally(nodes("data", data, ml)));
        assertTrue(ReadNodeSelector.readsLocally(nodes("ml", data, ml)));
    }

    public void testRoundRobinAndRetries() {
        DiscoveryNode data = node("data", DiscoveryNodeRole.DATA_ROLE);
        DiscoveryNode a = node("a", REGISTERED_ML);
        DiscoveryNode b = node("b", REGISTERED_ML);
        DiscoveryNode c = node("c", REGISTERED_ML);
        DiscoveryNodes nodes = nodes("data", data, c, a, b);
        ReadNodeSelector selector = new ReadNodeSelector();
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(select(selector, nodes, NodeSelection.ROUND_ROBIN, Set.of()).getId());
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picked);

        // a retry skips the nodes tried, and does not shift the turns of first attempts
        assertEquals("b", select(selector, nodes, NodeSelection.ROUND_ROBIN, Set.of("a")).getId());
        assertEquals("a", select(selector, nodes, NodeSelection.ROUND_ROBIN, Set.of()).getId());
        assertEquals("c", select(selector, nodes, NodeSelection.ROUND_ROBIN, Set.of("a", "b")).getId());
        assertNull("no ML node left: no fallback to other nodes", select(selector, nodes, NodeSelection.ROUND_ROBIN, Set.of("a", "b", "c")));
    }

    public void testLeastLoaded() {
        DiscoveryNode a = node("a", REGISTERED_ML);
        DiscoveryNode b = node("b", REGISTERED_ML);
        DiscoveryNodes nodes = nodes("a", a, b);
        ReadNodeSelector selector = new ReadNodeSelector();
        Releasable r1 = selector.startRead("a");
        Releasable r2 = selector.startRead("a");
        Releasable r3 = selector.startRead("b");
        assertEquals(2, selector.inFlight("a"));
        for (int i = 0; i < 4; i++) {
            assertEquals("b", select(selector, nodes, NodeSelection.LEAST_LOADED, Set.of()).getId());
        }
        r1.close();
        r1.close(); // once only
        assertEquals(1, selector.inFlight("a"));
        List<String> ties = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ties.add(select(selector, nodes, NodeSelection.LEAST_LOADED, Set.of()).getId());
        }
        assertEquals("equal loads go round-robin", Set.of("a", "b"), Set.copyOf(ties));
        r2.close();
        r3.close();
        assertEquals(0, selector.inFlight("a"));
        assertEquals(0, selector.inFlight("b"));
    }

    public void testFailedNodeCoolsDown() {
        DiscoveryNode a = node("a", REGISTERED_ML);
        DiscoveryNode b = node("b", REGISTERED_ML);
        DiscoveryNodes nodes = nodes("a", a, b);
        ReadNodeSelector selector = new ReadNodeSelector();
        long now = System.nanoTime();
        selector.readFailed("a", now);
        for (int i = 0; i < 4; i++) {
            DiscoveryNode picked = selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.ROUND_ROBIN, List.of(), Set.of(), COOLDOWN, now + 1);
            assertEquals("b", picked.getId());
        }
        // the only node left is tried even while it cools down
        assertEquals("a", selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.ROUND_ROBIN, List.of(), Set.of("b"), COOLDOWN, now + 1).getId());
        // both failed: both are candidates again
        selector.readFailed("b", now);
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            picked.add(selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.ROUND_ROBIN, List.of(), Set.of(), COOLDOWN, now + 1).getId());
        }
        assertEquals(Set.of("a", "b"), Set.copyOf(picked));
        // after the cooldown, or after a successful read, a node is eligible again
        selector.readSucceeded("b");
        assertEquals("b", selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.LEAST_LOADED, List.of(), Set.of(), COOLDOWN, now + 1).getId());
        selector.readFailed("b", now);
        picked.clear();
        for (int i = 0; i < 2; i++) {
            picked.add(selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.ROUND_ROBIN, List.of(), Set.of(), COOLDOWN, now + COOLDOWN).getId());
        }
        assertEquals(Set.of("a", "b"), Set.copyOf(picked));
        // a cooldown of 0 turns it off
        selector.readFailed("a", now);
        picked.clear();
        for (int i = 0; i < 2; i++) {
            picked.add(selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.ROUND_ROBIN, List.of(), Set.of(), 0, now).getId());
        }
        assertEquals(Set.of("a", "b"), Set.copyOf(picked));
    }

    public void testFallbackWithoutMlNodes() {
        DiscoveryNode coordinator = node("coordinator");
        DiscoveryNode d1 = node("d1", DiscoveryNodeRole.DATA_ROLE);
        DiscoveryNode d2 = node("d2", DiscoveryNodeRole.DATA_ROLE);
        DiscoveryNodes nodes = nodes("coordinator", coordinator, d1, d2);
        ReadNodeSelector selector = new ReadNodeSelector();
        long now = System.nanoTime();
        List<String> holders = List.of("gone", "d2", "d1");

        assertEquals(coordinator, selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.LEAST_LOADED, holders, Set.of(), COOLDOWN, now));
        assertNull(selector.select(nodes, ReadFallback.COORDINATOR, NodeSelection.LEAST_LOADED, holders, Set.of("coordinator"), COOLDOWN, now));

        assertEquals(d2, selector.select(nodes, ReadFallback.DATA_NODE, NodeSelection.LEAST_LOADED, holders, Set.of(), COOLDOWN, now));
        assertEquals(d1, selector.select(nodes, ReadFallback.DATA_NODE, NodeSelection.LEAST_LOADED, holders, Set.of("d2"), COOLDOWN, now));
        assertNull(selector.select(nodes, ReadFallback.DATA_NODE, NodeSelection.LEAST_LOADED, holders, Set.of("d1", "d2"), COOLDOWN, now));
        assertNull(selector.select(nodes, ReadFallback.DATA_NODE, NodeSelection.LEAST_LOADED, List.of(), Set.of(), COOLDOWN, now));
        selector.readFailed("d2", now);
        assertEquals(d1, selector.select(nodes, ReadFallback.DATA_NODE, NodeSelection.LEAST_LOADED, holders, Set.of(), COOLDOWN, now));

        // once an ML node joins, the fallback no longer applies
        DiscoveryNode ml = node("ml", DiscoveryNode.getRoleFromRoleName("ml"));
        DiscoveryNodes withMl = nodes("coordinator", coordinator, d1, d2, ml);
        assertEquals(ml, selector.select(withMl, ReadFallback.DATA_NODE, NodeSelection.LEAST_LOADED, holders, Set.of(), COOLDOWN, now));
        assertEquals(ml, selector.select(withMl, ReadFallback.COORDINATOR, NodeSelection.LEAST_LOADED, holders, Set.of(), COOLDOWN, now));
    }

    public void testPassageHolders() {
        ClusterState state = ClusterStateCreationUtils.stateWithAssignedPrimariesAndOneReplica("idx", 2);
        IndexShardRoutingTable shard0 = state.routingTable().index("idx").shard(0);
        IndexShardRoutingTable shard1 = state.routingTable().index("idx").shard(1);
        String primary0 = shard0.primaryShard().currentNodeId();
        String replica0 = shard0.replicaShards().get(0).currentNodeId();
        String primary1 = shard1.primaryShard().currentNodeId();
        OriginalIndices none = OriginalIndices.NONE;
        ShardId missing = new ShardId("deleted", "_na_", 0);
        List<SearchShardTarget> targets = Arrays.asList(
            new SearchShardTarget("elsewhere", missing, null, none),
            new SearchShardTarget(primary0, shard0.shardId(), null, none),
            null,
            new SearchShardTarget(primary0, shard0.shardId(), null, none)
        );
        List<String> holders = ReadNodeSelector.passageHolders(state, targets);
        // the node that served most passages first, then the rest, then other copies of the same shards
        assertEquals(primary0, holders.get(0));
        assertEquals("elsewhere", holders.get(1));
        assertEquals(List.of(primary0, "elsewhere", replica0), holders);

        List<String> tie = ReadNodeSelector.passageHolders(
            state,
            List.of(new SearchShardTarget(primary1, shard1.shardId(), null, none), new SearchShardTarget(primary0, shard0.shardId(), null, none))
        );
        assertEquals("a tie goes to the node of the better passage", primary1, tie.get(0));
        assertEquals(Set.copyOf(List.of(primary0, primary1, replica0)), Set.copyOf(tie));
        assertEquals(List.of(), ReadNodeSelector.passageHolders(state, List.of()));
    }
}
