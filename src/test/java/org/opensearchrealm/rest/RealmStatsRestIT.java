/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * {@code GET _plugins/_realm/stats} and the model memory budget against a real node (see {@link RealmRestSupport} for
 * how to run). Counters are cumulative over the node's life, so the tests compare them before and after their requests.
 */
public class RealmStatsRestIT extends RealmRestSupport {

    private static final String INDEX = "stats-kb";
    /** Retrieval only (no reader), one shard. */
    private static final String RETRIEVAL_ONLY = "{\"reader\":\"\",\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}";
    private static final String DEFAULT_MODEL = "all-minilm-l6-v2";
    /** A bundled model the other REST tests never load. */
    private static final String OTHER_MODEL = "bge-small-en-v15";

    /** The stats of the node the client talks to. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> localStats() throws IOException {
        Map<String, Object> response = entityAsMap(client().performRequest(new Request("GET", "/_plugins/_realm/_local/stats")));
        Map<String, Object> nodes = (Map<String, Object>) response.get("nodes");
        assertEquals("one node for _local: " + response, 1, nodes.size());
        return (Map<String, Object>) nodes.values().iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static long number(Map<String, Object> stats, String... path) {
        Object value = stats;
        for (String key : path) {
            value = ((Map<String, Object>) value).get(key);
            assertNotNull(String.join(".", path) + " missing in " + stats, value);
        }
        return ((Number) value).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> loadedModel(Map<String, Object> stats, String id) {
        for (Map<String, Object> model : (List<Map<String, Object>>) stats.get("models")) {
            if (id.equals(model.get("id"))) {
                return model;
            }
        }
        return null;
    }

    private static void indexDefaultModelDocs() throws IOException {
        createRealmIndex(INDEX, RETRIEVAL_ONLY);
        bulk(
            INDEX,
            List.of(
                Map.of("_id", "volcano", "doc", obj("text", Texts.VOLCANO)),
                Map.of("_id", "bread", "doc", obj("text", Texts.BREAD))
            )
        );
    }

    public void testStatsCountRequestsAndShowLoadedModels() throws IOException {
        Map<String, Object> before = localStats();
        indexDefaultModelDocs();
        realmPost(INDEX, obj("query", "How does magma rise?", "k", 3));
        client().performRequest(request("PUT", "/stats-plain", ONE_SHARD));
        ResponseException notRealm = errorFor(request("POST", "/stats-plain/_realm", "{\"query\":\"magma\"}"));
        assertEquals(400, notRealm.getResponse().getStatusLine().getStatusCode());
        Map<String, Object> after = localStats();

        assertEquals(1, number(after, "requests", "search") - number(before, "requests", "search"));
        assertEquals(1, number(after, "errors", "search") - number(before, "errors", "search"));
        assertEquals(2, number(after, "requests", "ingest_docs") - number(before, "requests", "ingest_docs"));
        assertThat(number(after, "requests", "ingest_passages") - number(before, "requests", "ingest_passages"), greaterThanOrEqualTo(2L));
        for (String stage : List.of("embed", "retrieve", "total")) {
            assertEquals(stage, 1, number(after, "latency", stage, "count") - number(before, "latency", stage, "count"));
            assertThat(stage, number(after, "latency", stage, "p99_ms"), greaterThanOrEqualTo(number(after, "latency", stage, "p50_ms")));
        }
        assertEquals("not read: no reader", number(before, "latency", "read", "count"), number(after, "latency", "read", "count"));

        Map<String, Object> model = loadedModel(after, DEFAULT_MODEL);
        assertNotNull(DEFAULT_MODEL + " is loaded: " + after.get("models"), model);
        assertEquals("embedding", model.get("task"));
        assertEquals("onnx", model.get("format"));
        assertThat("twice the ~92 MB ONNX file", number(model, "memory_bytes"), greaterThan(150_000_000L));
        assertNotEquals("the resident memory is readable on a node (policy grant, privileged read)", -1, number(model, "rss_delta_bytes"));
        assertThat(number(after, "memory", "used_bytes"), greaterThanOrEqualTo(number(model, "memory_bytes")));
        assertEquals("no budget unless set", -1, number(after, "memory", "budget_bytes"));
        assertEquals(1000, number(after, "inference_pool", "queue_size"));
        assertThat(number(after, "inference_pool", "threads"), greaterThanOrEqualTo(1L));
        assertThat(number(after, "inference_pool", "queued_queries"), greaterThanOrEqualTo(0L));
        assertThat(number(after, "inference_pool", "queued_bulk"), greaterThanOrEqualTo(0L));
        assertThat(number(after, "inference_pool", "completed"), greaterThan(number(before, "inference_pool", "completed")));

        Map<String, Object> all = entityAsMap(client().performRequest(new Request("GET", "/_plugins/_realm/stats")));
        assertEquals(all.toString(), 1, number(all, "_nodes", "successful"));
    }

    public void testMemoryBudgetRefusesAnotherModelAndTheLoadedOneKeepsWorking() throws IOException {
        indexDefaultModelDocs(); // the default model is loaded
        Map<String, Object> before = localStats();
        assertNull(OTHER_MODEL + " must not be loaded yet", loadedModel(before, OTHER_MODEL));
        long used = number(before, "memory", "used_bytes");
        putClusterSetting("persistent", "plugins.realm.model.memory_budget", used + "b");
        assertEquals(used, number(localStats(), "memory", "budget_bytes"));

        createRealmIndex("stats-other", "{\"model\":\"" + OTHER_MODEL + "\",\"reader\":\"\",\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        ResponseException refused = errorFor(request("PUT", "/stats-other/_doc/1", json(obj("text", Texts.WHALES))));
        assertError(refused, 429, null, OTHER_MODEL, "plugins.realm.model.memory_budget");

        indexDoc(INDEX, "whales", obj("text", Texts.WHALES));
        assertTrue(idsOf(passages(realmPost(INDEX, obj("query", "Why do humpback whales sing?", "k", 5)))).contains("whales"));
        Map<String, Object> after = localStats();
        assertNull("refused: not loaded", loadedModel(after, OTHER_MODEL));
        assertEquals("the refusal reserved nothing", used, number(after, "memory", "used_bytes"));
        assertEquals(1, number(after, "errors", "ingest_docs") - number(before, "errors", "ingest_docs"));
    }
}
