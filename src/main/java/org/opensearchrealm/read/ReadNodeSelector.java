/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodeRole;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.routing.IndexShardRoutingTable;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.common.lease.Releasable;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.search.SearchShardTarget;
import org.opensearchrealm.settings.RealmSettings.NodeSelection;
import org.opensearchrealm.settings.RealmSettings.ReadFallback;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the node that reads the passages of a {@code _realm} request.
 *
 * <p><b>ML nodes.</b> A node is an ML node when one of its roles is named {@code ml}. This plugin does not register
 * the role: since OpenSearch 2.1 a role name in {@code node.roles} that no plugin registers becomes a dynamic role of
 * that name, so {@code node.roles: [data, ml]} works as is, and when the ml-commons plugin is installed, the role it
 * registers (also named {@code ml}) is the one nodes get. Registering the role here as well would clash with
 * ml-commons (two plugins may not register one role name), and roles of either kind compare unequal
 * ({@link DiscoveryNodeRole#equals} includes whether the role is dynamic), so ML nodes are recognised by role
 * <em>name</em> only.
 *
 * <p><b>Policy.</b> When the cluster has ML nodes, only they read: by default the one with the fewest reads in flight
 * from this coordinator (ties go round-robin), or each in turn ({@code plugins.realm.read.node_selection: round_robin}). A
 * cluster without ML nodes reads on the coordinator ({@code plugins.realm.read.fallback: coordinator}, the default: it holds
 * the passages' texts already) or on a data node that holds the passages ({@code data_node}: the node that served
 * most of them, then the other nodes with a copy of those shards). A retry excludes the nodes already tried; when no
 * eligible node is left, {@link #select} returns null. A node whose read failed (an error, a timeout) is passed over
 * for a while ({@code plugins.realm.read.failure_cooldown}) as long as another eligible node has not failed, so that a broken
 * or hanging node does not cost every other request a failed first attempt; its next successful read clears it.
 *
 * <p>Thread-safe: one instance per node, shared by all requests it coordinates.
 */
public final class ReadNodeSelector {

    /** The role name of nodes that read, the name ml-commons gives its role too. */
    public static final String ML_ROLE_NAME = "ml";

    private final AtomicInteger turn = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();

    /** Whether a node has a role named {@code ml}, registered by a plugin or dynamic. */
    public static boolean isMlNode(DiscoveryNode node) {
        for (DiscoveryNodeRole role : node.getRoles()) {
            if (ML_ROLE_NAME.equals(role.roleName())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the local node may be asked to read: it is an ML node, or the cluster has none. */
    public static boolean readsLocally(DiscoveryNodes nodes) {
        DiscoveryNode local = nodes.getLocalNode();
        return (local != null && isMlNode(local)) || mlNodes(nodes).isEmpty();
    }

    /** The cluster's ML nodes, ordered by node id. */
    public static List<DiscoveryNode> mlNodes(DiscoveryNodes nodes) {
        List<DiscoveryNode> ml = new ArrayList<>();
        for (DiscoveryNode node : nodes) {
            if (isMlNode(node)) {
                ml.add(node);
            }
        }
        ml.sort(Comparator.comparing(DiscoveryNode::getId));
        return ml;
    }

    /**
     * The nodes that hold the retrieved passages, best first: the nodes that served them, most passages first (ties:
     * the node of the better passage first), then the other nodes with an active copy of one of those shards.
     *
     * @param shards the shard copy that served each passage, best passage first; null entries are skipped
     */
    public static List<String> passageHolders(ClusterState state, List<SearchShardTarget> shards) {
        Map<String, Integer> served = new LinkedHashMap<>();
        Set<ShardId> shardIds = new LinkedHashSet<>();
        for (SearchShardTarget target : shards) {
            if (target == null) {
                continue;
            }
            if (target.getNodeId() != null) {
                served.merge(target.getNodeId(), 1, Integer::sum);
            }
            shardIds.add(target.getShardId());
        }
        List<String> holders = new ArrayList<>(served.keySet());
        Map<String, Integer> firstSeen = new HashMap<>();
        for (int i = 0; i < holders.size(); i++) {
            firstSeen.put(holders.get(i), i);
        }
        holders.sort(Comparator.comparing((String id) -> -served.get(id)).thenComparing(firstSeen::get));
        Set<String> all = new LinkedHashSet<>(holders);
        for (ShardId shardId : shardIds) {
            IndexShardRoutingTable table;
            try {
                table = state.routingTable().shardRoutingTable(shardId);
            } catch (RuntimeException e) { // the index was deleted meanwhile
                continue;
            }
            for (ShardRouting copy : table.activeShards()) {
                all.add(copy.currentNodeId());
            }
        }
        return new ArrayList<>(all);
    }

    /**
     * The node to read on, or null when no eligible node is left.
     *
     * @param passageHolders node ids from {@link #passageHolders}, used by the {@code data_node} fallback
     * @param excluded       ids of the nodes already tried for this read
     * @param cooldownNanos  how long a node whose read failed is passed over
     * @param nowNanos       the current {@link System#nanoTime()}
     */
    public DiscoveryNode select(
        DiscoveryNodes nodes,
        ReadFallback fallback,
        NodeSelection policy,
        List<String> passageHolders,
        Set<String> excluded,
        long cooldownNanos,
        long nowNanos
    ) {
        List<DiscoveryNode> candidates;
        boolean ml;
        List<DiscoveryNode> mlNodes = mlNodes(nodes);
        if (mlNodes.isEmpty() == false) {
            ml = true;
            candidates = mlNodes;
        } else {
            ml = false;
            candidates = new ArrayList<>();
            switch (fallback) {
                case COORDINATOR -> candidates.add(nodes.getLocalNode());
                case DATA_NODE -> {
                    for (String id : passageHolders) {
                        DiscoveryNode node = nodes.get(id);
                        if (node != null) {
                            candidates.add(node);
                        }
                    }
                }
            }
        }
        candidates.removeIf(n -> excluded.contains(n.getId()));
        if (candidates.isEmpty()) {
            return null;
        }
        List<DiscoveryNode> healthy = new ArrayList<>(candidates);
        healthy.removeIf(n -> coolingDown(n.getId(), cooldownNanos, nowNanos));
        if (healthy.isEmpty() == false) {
            candidates = healthy;
        }
        if (ml == false) {
            return candidates.get(0); // the coordinator, or the best holder of the passages
        }
        return pick(candidates, policy, excluded.isEmpty());
    }

    /** One of several ML nodes; only first attempts take a turn, so a retry does not shift the round-robin order. */
    private DiscoveryNode pick(List<DiscoveryNode> candidates, NodeSelection policy, boolean takeTurn) {
        int n = candidates.size();
        int first = Math.floorMod(takeTurn ? turn.getAndIncrement() : turn.get(), n);
        if (policy == NodeSelection.ROUND_ROBIN) {
            return candidates.get(first);
        }
        DiscoveryNode best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            DiscoveryNode node = candidates.get((first + i) % n);
            int load = inFlight(node.getId());
            if (load < bestLoad) {
                best = node;
                bestLoad = load;
            }
        }
        return best;
    }

    private boolean coolingDown(String nodeId, long cooldownNanos, long nowNanos) {
        Long failed = failedAt.get(nodeId);
        return failed != null && nowNanos - failed < cooldownNanos;
    }

    /** A read on the node failed: pass it over for the cooldown. */
    public void readFailed(String nodeId, long nowNanos) {
        failedAt.put(nodeId, nowNanos);
    }

    /** A read on the node succeeded: it is healthy again. */
    public void readSucceeded(String nodeId) {
        failedAt.remove(nodeId);
    }

    /** Counts a read in flight on a node until the returned releasable is closed (once). */
    public Releasable startRead(String nodeId) {
        AtomicInteger count = inFlight.computeIfAbsent(nodeId, id -> new AtomicInteger());
        count.incrementAndGet();
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        };
    }

    /** Reads in flight from this coordinator on a node. */
    public int inFlight(String nodeId) {
        AtomicInteger count = inFlight.get(nodeId);
        return count == null ? 0 : count.get();
    }
}
