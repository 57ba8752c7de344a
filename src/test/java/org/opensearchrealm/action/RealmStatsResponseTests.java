/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.metrics.InferencePoolStats;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.LoadedModel;

import java.io.IOException;
import java.util.List;
import java.util.Map;

public class RealmStatsResponseTests extends OpenSearchTestCase {

    private static RealmNodeStats nodeStats(String id) {
        RealmMetrics metrics = new RealmMetrics();
        metrics.searchServed(4, 6, -1, 11);
        return new RealmNodeStats(
            new DiscoveryNode(id, buildNewFakeTransportAddress(), org.opensearch.Version.CURRENT),
            List.of(new LoadedModel("all-minilm-l6-v2", "embedding", "onnx", 90_000_000L, 120_000_000L, 800, 150)),
            1L << 30,
            90_000_000L,
            new InferencePoolStats(2, 3, 1, 2, 4, 2, 17, 1000),
            metrics.snapshot()
        );
    }

    public void testWireRoundTrip() throws IOException {
        RealmStatsResponse response = new RealmStatsResponse(new ClusterName("c"), List.of(nodeStats("n1"), nodeStats("n2")), List.of());
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            response.writeTo(out);
            RealmStatsResponse read = new RealmStatsResponse(out.bytes().streamInput());
            assertEquals(2, read.getNodes().size());
            RealmNodeStats n = read.getNodesMap().get("n2");
            RealmNodeStats original = response.getNodesMap().get("n2");
            assertEquals(original.models(), n.models());
            assertEquals(original.memoryBudgetBytes(), n.memoryBudgetBytes());
            assertEquals(original.memoryUsedBytes(), n.memoryUsedBytes());
            assertEquals(original.pool(), n.pool());
            assertEquals(original.metrics(), n.metrics());
        }
    }

    @SuppressWarnings("unchecked")
    public void testRendersEachNodeUnderItsId() throws IOException {
        RealmStatsResponse response = new RealmStatsResponse(new ClusterName("c"), List.of(nodeStats("n1")), List.of());
        XContentBuilder builder = JsonXContent.contentBuilder().startObject();
        response.toXContent(builder, ToXContent.EMPTY_PARAMS).endObject();
        Map<String, Object> map = XContentHelper.convertToMap(BytesReference.bytes(builder), false, builder.contentType()).v2();
        Map<String, Object> node = ((Map<String, Map<String, Object>>) map.get("nodes")).get("n1");
        assertEquals(
            Map.of("id", "all-minilm-l6-v2", "task", "embedding", "format", "onnx", "memory_bytes", 90_000_000, "rss_delta_bytes", 120_000_000, "load_ms", 800, "warm_up_ms", 150),
            ((List<Object>) node.get("models")).get(0)
        );
        assertEquals(Map.of("budget_bytes", 1 << 30, "used_bytes", 90_000_000), node.get("memory"));
        assertEquals(Map.of("threads", 2, "queue", 3, "queued_queries", 1, "queued_bulk", 2, "queue_size", 4, "active", 2, "rejected", 17, "completed", 1000), node.get("inference_pool"));
        assertEquals(1, ((Map<String, Object>) node.get("requests")).get("search"));
        assertEquals(1, ((Map<String, Map<String, Object>>) node.get("latency")).get("total").get("count"));
    }
}
