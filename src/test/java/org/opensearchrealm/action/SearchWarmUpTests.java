/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.Version;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.routing.IndexRoutingTable;
import org.opensearch.cluster.routing.IndexShardRoutingTable;
import org.opensearch.cluster.routing.RoutingTable;
import org.opensearch.cluster.routing.ShardRoutingState;
import org.opensearch.cluster.routing.TestShardRouting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.util.EnumSet;
import java.util.Set;

/** Which indices a starting node warms up: REALM indices older than the node, primaries active, a shard started here. */
public class SearchWarmUpTests extends OpenSearchTestCase {

    private static final long NODE_START = 1_000_000L;

    private final SearchWarmUp warmUp = new SearchWarmUp(null, null, new RealmMetrics(), 12, NODE_START);

    public void testAnOlderRealmIndexWithAShardStartedHereIsWarmed() {
        IndexMetadata index = index("kb", "all-minilm-l6-v2", NODE_START - 1);
        assertTrue(warmUp.due(state(index, "local", ShardRoutingState.STARTED), index));
    }

    public void testAnIndexCreatedWhileTheNodeRunsIsNot() {
        IndexMetadata index = index("kb", "all-minilm-l6-v2", NODE_START + 1);
        assertFalse(warmUp.due(state(index, "local", ShardRoutingState.STARTED), index));
    }

    public void testAnIndexWithoutShardsHereOrNotStartedIsNot() {
        IndexMetadata index = index("kb", "all-minilm-l6-v2", NODE_START - 1);
        assertFalse("its shard is on another node", warmUp.due(state(index, "other", ShardRoutingState.STARTED), index));
        assertFalse("its primary is still recovering", warmUp.due(state(index, "local", ShardRoutingState.INITIALIZING), index));
    }

    public void testAnIndexThatIsNotARealmIndexIsNot() {
        IndexMetadata index = index("logs", "", NODE_START - 1);
        assertFalse(warmUp.due(state(index, "local", ShardRoutingState.STARTED), index));
    }

    public void testEveryModeIsWarmedAndAQuarterOfTheRequestsRead() {
        Set<RetrievalMode> modes = EnumSet.noneOf(RetrievalMode.class);
        int reading = 0;
        for (int n = 0; n < 64; n++) {
            RealmSearchRequest request = SearchWarmUp.request("kb", n);
            assertArrayEquals(new String[] { "kb" }, request.indices());
            modes.add(request.retrieval());
            if (request.read() == null) {
                reading++;
            } else {
                assertFalse(request.read());
            }
        }
        assertEquals(EnumSet.allOf(RetrievalMode.class), modes);
        assertEquals(64 / SearchWarmUp.READ_EVERY, reading);
        assertNull("the first request reads as the index reads", SearchWarmUp.request("kb", 0).read());
    }

    private static IndexMetadata index(String name, String model, long created) {
        Settings settings = Settings.builder()
            .put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT)
            .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
            .put(IndexMetadata.SETTING_NUMBER_OF_REPLICAS, 0)
            .put(IndexMetadata.SETTING_INDEX_UUID, name + "-uuid")
            .put(IndexMetadata.SETTING_CREATION_DATE, created)
            .put("index.realm.model", model)
            .build();
        return IndexMetadata.builder(name).settings(settings).build();
    }

    /** Two nodes, "local" (this node) and "other"; the index's one shard, a primary, on {@code node} in {@code state}. */
    private static ClusterState state(IndexMetadata index, String node, ShardRoutingState shardState) {
        ShardId shard = new ShardId(index.getIndex(), 0);
        IndexRoutingTable routing = IndexRoutingTable.builder(index.getIndex())
            .addIndexShard(new IndexShardRoutingTable.Builder(shard).addShard(TestShardRouting.newShardRouting(shard, node, true, shardState)).build())
            .build();
        DiscoveryNodes nodes = DiscoveryNodes.builder()
            .add(new DiscoveryNode("local", buildNewFakeTransportAddress(), Version.CURRENT))
            .add(new DiscoveryNode("other", buildNewFakeTransportAddress(), Version.CURRENT))
            .localNodeId("local")
            .build();
        return ClusterState.builder(new ClusterName("test"))
            .metadata(Metadata.builder().put(index, false))
            .routingTable(RoutingTable.builder().add(routing).build())
            .nodes(nodes)
            .build();
    }
}
