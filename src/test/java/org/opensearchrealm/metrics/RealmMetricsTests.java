/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.metrics;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.Map;

public class RealmMetricsTests extends OpenSearchTestCase {

    public void testCountsWhatItIsTold() {
        RealmMetrics metrics = new RealmMetrics();
        metrics.searchServed(5, 7, -1, 13);
        metrics.searchServed(6, 8, 40, 55);
        metrics.searchFailed();
        metrics.ingested(3, 9, 1);
        metrics.ingested(0, 0, 2);
        metrics.read(true);
        metrics.read(false);
        RealmMetrics.Snapshot s = metrics.snapshot();
        assertEquals(2, s.searches());
        assertEquals(1, s.searchErrors());
        assertEquals(3, s.ingestDocs());
        assertEquals(9, s.ingestPassages());
        assertEquals(3, s.ingestErrors());
        assertEquals(1, s.reads());
        assertEquals(1, s.readErrors());
        assertEquals(2, s.latencies().get(RealmMetrics.Stage.EMBED).count());
        assertEquals("a search that was not read adds no read latency", 1, s.latencies().get(RealmMetrics.Stage.READ).count());
        assertEquals(68, s.latencies().get(RealmMetrics.Stage.TOTAL).sumMillis(), 1e-6);
    }

    public void testSnapshotSurvivesTheWireAndRendersEveryStage() throws IOException {
        RealmMetrics metrics = new RealmMetrics();
        metrics.searchServed(5, 7, 30, 45);
        metrics.ingested(2, 4, 0);
        metrics.warmUpStarted();
        metrics.warmUpSearch(true);
        metrics.warmUpSearch(true);
        metrics.warmUpSearch(false);
        RealmMetrics.Snapshot s = metrics.snapshot();
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            s.writeTo(out);
            assertEquals(s, new RealmMetrics.Snapshot(out.bytes().streamInput()));
        }
        XContentBuilder builder = JsonXContent.contentBuilder().startObject();
        s.toXContent(builder, ToXContent.EMPTY_PARAMS).endObject();
        Map<String, Object> map = XContentHelper.convertToMap(BytesReference.bytes(builder), false, builder.contentType()).v2();
        assertEquals(Map.of("search", 1, "ingest_docs", 2, "ingest_passages", 4, "reads", 0), map.get("requests"));
        assertEquals(Map.of("search", 0, "ingest_docs", 0, "reads", 0), map.get("errors"));
        assertEquals(Map.of("indices_warming", 1, "searches", 2, "failures", 1), map.get("search_warm_up"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> latency = (Map<String, Map<String, Object>>) map.get("latency");
        assertEquals(java.util.Set.of("embed", "retrieve", "read", "total"), latency.keySet());
        assertEquals(1, latency.get("read").get("count"));
        assertEquals(30.0, latency.get("read").get("sum_ms"));
    }
}
