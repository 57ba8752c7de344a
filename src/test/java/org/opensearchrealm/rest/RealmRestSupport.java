/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.junit.After;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.test.rest.OpenSearchRestTestCase;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * Requests and checks shared by the REST tests of the plugin, which run against a real node (k-NN and this plugin
 * installed) given by {@code -Dtests.rest.cluster=127.0.0.1:PORT}. The low-level client of the base class throws
 * {@link ResponseException} for 4xx and 5xx answers; {@link #errorFor} expects one and {@link #assertError} reads the
 * OpenSearch error body ({@code {"error":{"type":..,"reason":..,"root_cause":[..],"caused_by":{..}},"status":..}}).
 * After each test every index is deleted, and the ingest pipelines REALM indices leave behind.
 *
 * <pre>
 * integ-test/assemble.sh --plugin target/opensearch-realm-0.1.0.zip
 * integ-test/node.sh start --http-port 9270 --transport-port 9370 --clean --wait --model src/test/resources/models/tiny-qa-pick
 * mvn -Prest-it test-compile failsafe:integration-test failsafe:verify -Dtests.rest.cluster=127.0.0.1:9270 [-Dit.test=RealmAnswersRestIT#testX]
 * integ-test/node.sh stop
 * </pre>
 */
public abstract class RealmRestSupport extends OpenSearchRestTestCase {

    static final String ONE_SHARD = "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}";
    /** Passages short enough that the longer texts of {@link Texts} are cut into several. */
    static final String SMALL_PASSAGES = "{\"passage_tokens\":48,\"overlap_tokens\":8,\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0}}";

    /**
     * The pipelines of REALM indices (ingest and search) outlive their index: each test starts without them. Not when a test keeps the
     * cluster (the security tests make their users, roles and indices once).
     */
    @After
    public void deleteRealmPipelines() throws IOException {
        if (preserveClusterUponCompletion()) {
            return;
        }
        wipeAllIndices(); // first, so no index still names the pipelines as its default
        try {
            for (String id : entityAsMap(adminClient().performRequest(new Request("GET", "/_search/pipeline"))).keySet()) {
                if (id.startsWith("realm-")) {
                    adminClient().performRequest(new Request("DELETE", "/_search/pipeline/" + URLEncoder.encode(id, StandardCharsets.UTF_8)));
                }
            }
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() != 404) {
                throw e;
            }
        }
        Response pipelines;
        try {
            pipelines = adminClient().performRequest(new Request("GET", "/_ingest/pipeline"));
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 404) {
                return; // no pipeline at all
            }
            throw e;
        }
        for (String id : entityAsMap(pipelines).keySet()) {
            if (id.startsWith("realm-")) {
                adminClient().performRequest(new Request("DELETE", "/_ingest/pipeline/" + URLEncoder.encode(id, StandardCharsets.UTF_8)));
            }
        }
    }

    // --- building requests --------------------------------------------------------------------------------------------

    /** A JSON object from alternating keys and values (values may be null, maps, lists). */
    static Map<String, Object> obj(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static String json(Object value) throws IOException {
        XContentBuilder builder = JsonXContent.contentBuilder();
        builder.value(value);
        return BytesReference.bytes(builder).utf8ToString();
    }

    static Request request(String method, String endpoint, String jsonBody) {
        Request request = new Request(method, endpoint);
        if (jsonBody != null) {
            request.setJsonEntity(jsonBody);
        }
        return request;
    }

    static Request realmRequest(String index, String body) {
        return request("POST", "/" + index + "/_realm", body);
    }

    static Request getRealm(String index, String q, String k) {
        Request r = new Request("GET", "/" + index + "/_realm");
        if (q != null) {
            r.addParameter("q", q);
        }
        if (k != null) {
            r.addParameter("k", k);
        }
        return r;
    }

    static Request clusterSettingRequest(String scope, String key, Object value) throws IOException {
        return request("PUT", "/_cluster/settings", json(obj(scope, obj(key, value))));
    }

    // --- the plugin's API ---------------------------------------------------------------------------------------------

    static Map<String, Object> createRealmIndex(String name, String body) throws IOException {
        Response response = client().performRequest(request("PUT", "/_plugins/_realm/indices/" + name, body));
        assertEquals(200, response.getStatusLine().getStatusCode());
        return entityAsMap(response);
    }

    static Map<String, Object> realmPost(String index, Map<String, Object> body) throws IOException {
        Response response = client().performRequest(request("POST", "/" + index + "/_realm", json(body)));
        assertEquals(200, response.getStatusLine().getStatusCode());
        return entityAsMap(response);
    }

    static Map<String, Object> realmGet(String index, String q, String k) throws IOException {
        Request request = new Request("GET", "/" + index + "/_realm");
        request.addParameter("q", q);
        if (k != null) {
            request.addParameter("k", k);
        }
        Response response = client().performRequest(request);
        assertEquals(200, response.getStatusLine().getStatusCode());
        return entityAsMap(response);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> passages(Map<String, Object> realmResponse) {
        Object passages = realmResponse.get("passages");
        assertNotNull("no [passages] in " + realmResponse, passages);
        return (List<Map<String, Object>>) passages;
    }

    /** Asks with a large k, so that on these small indices every passage comes back. */
    static List<Map<String, Object>> allPassagesOf(String index, String query, int k) throws IOException {
        List<Map<String, Object>> passages = passages(realmPost(index, obj("query", query, "k", k)));
        assertTrue("k=" + k + " is not larger than the number of passages, " + passages.size(), passages.size() < k);
        return passages;
    }

    static Set<String> idsOf(List<Map<String, Object>> passages) {
        Set<String> ids = new LinkedHashSet<>();
        for (Map<String, Object> p : passages) {
            ids.add((String) p.get("_id"));
        }
        return ids;
    }

    // --- documents ----------------------------------------------------------------------------------------------------

    static void indexDoc(String index, String id, Map<String, Object> doc) throws IOException {
        Request request = request("PUT", "/" + index + "/_doc/" + id, json(doc));
        request.addParameter("refresh", "true");
        Response response = client().performRequest(request);
        assertTrue(response.getStatusLine().toString(), response.getStatusLine().getStatusCode() == 200 || response.getStatusLine().getStatusCode() == 201);
    }

    /** Indexes items {@code {"_id": .., "doc": {..}}} with one {@code _bulk} request and checks that all succeeded. */
    static void bulk(String index, List<Map<String, Object>> items) throws IOException {
        StringBuilder body = new StringBuilder();
        for (Map<String, Object> item : items) {
            body.append(json(obj("index", obj("_id", item.get("_id"))))).append('\n');
            body.append(json(item.get("doc"))).append('\n');
        }
        Request request = request("POST", "/" + index + "/_bulk", body.toString());
        request.addParameter("refresh", "true");
        Map<String, Object> response = entityAsMap(client().performRequest(request));
        assertEquals("bulk failed: " + response, false, response.get("errors"));
    }

    /** The source field's value of a stored document. */
    @SuppressWarnings("unchecked")
    static String sourceText(String index, String id, String field) throws IOException {
        Request request = new Request("GET", "/" + index + "/_doc/" + id);
        request.addParameter("_source_includes", field);
        Map<String, Object> doc = entityAsMap(client().performRequest(request));
        Map<String, Object> source = (Map<String, Object>) doc.get("_source");
        assertNotNull("no _source in " + doc, source);
        Object text = source.get(field);
        assertTrue("[" + field + "] of " + index + "/" + id + " is not a string: " + text, text instanceof String);
        return (String) text;
    }

    static void putClusterSetting(String scope, String key, Object value) throws IOException {
        Response response = client().performRequest(request("PUT", "/_cluster/settings", json(obj(scope, obj(key, value)))));
        assertEquals(200, response.getStatusLine().getStatusCode());
    }

    // --- passages -----------------------------------------------------------------------------------------------------

    /**
     * Every passage has the documented fields; passages are sorted by score; no passage appears twice; each text is the
     * slice [start, end) of its document's source field (read back with GET _doc).
     */
    static void assertWellFormed(String index, List<Map<String, Object>> passages) throws IOException {
        Set<String> seen = new HashSet<>();
        Map<String, String> sources = new HashMap<>();
        double previous = Double.POSITIVE_INFINITY;
        for (Map<String, Object> p : passages) {
            assertThat(p.toString(), p.keySet(), equalTo(Set.of("_index", "_id", "passage", "score", "start", "end", "text")));
            assertThat(p.get("passage"), instanceOf(Integer.class));
            assertThat(p.get("start"), instanceOf(Integer.class));
            assertThat(p.get("end"), instanceOf(Integer.class));
            assertThat(p.get("score"), instanceOf(Number.class));
            double score = ((Number) p.get("score")).doubleValue();
            assertThat("passages must be sorted by score: " + passages, score, lessThanOrEqualTo(previous));
            assertFalse("score of " + p, Double.isNaN(score) || Double.isInfinite(score));
            previous = score;
            assertTrue("passage listed twice: " + p, seen.add(p.get("_index") + "/" + p.get("_id") + "#" + p.get("passage")));

            String docIndex = (String) p.get("_index");
            String source = sources.computeIfAbsent(docIndex + "/" + p.get("_id"), key -> {
                try {
                    return sourceText(docIndex, (String) p.get("_id"), "text");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            int start = (Integer) p.get("start");
            int end = (Integer) p.get("end");
            assertThat("offsets of " + p, start, greaterThanOrEqualTo(0));
            assertThat("offsets of " + p, end, greaterThan(start));
            assertThat("offsets of " + p + " beyond the source's " + source.length() + " chars", end, lessThanOrEqualTo(source.length()));
            assertThat("text of " + p, p.get("text"), equalTo(source.substring(start, end)));
        }
        if (index != null) {
            assertThat(passages.stream().map(p -> (String) p.get("_index")).collect(Collectors.toSet()), everyItem(startsWith(index)));
        }
    }

    /**
     * The passages of one document, all of them, numbered 0..n-1, in order, each starting after the previous one, with
     * only whitespace left between or around them; with {@code overlapping} consecutive passages share text.
     */
    static void assertCovers(String source, List<Map<String, Object>> ofDoc, boolean overlapping) {
        assertThat("no passages for " + source, ofDoc, not(empty()));
        List<Map<String, Object>> sorted = new ArrayList<>(ofDoc);
        sorted.sort(Comparator.comparingInt(p -> (Integer) p.get("passage")));
        for (int i = 0; i < sorted.size(); i++) {
            assertThat("passage numbers " + sorted, sorted.get(i).get("passage"), is(i));
        }
        int first = (Integer) sorted.get(0).get("start");
        assertThat("text before the first passage: " + sorted.get(0), source.substring(0, first).isBlank(), is(true));
        int lastEnd = (Integer) sorted.get(sorted.size() - 1).get("end");
        assertThat("text after the last passage: " + sorted.get(sorted.size() - 1), source.substring(lastEnd).isBlank(), is(true));
        for (int i = 1; i < sorted.size(); i++) {
            Map<String, Object> prev = sorted.get(i - 1);
            Map<String, Object> next = sorted.get(i);
            int prevStart = (Integer) prev.get("start"), prevEnd = (Integer) prev.get("end");
            int nextStart = (Integer) next.get("start"), nextEnd = (Integer) next.get("end");
            assertThat("passages must advance: " + prev + " then " + next, nextStart, greaterThan(prevStart));
            assertThat("passages must advance: " + prev + " then " + next, nextEnd, greaterThan(prevEnd));
            if (nextStart > prevEnd) {
                assertThat("text skipped between " + prev + " and " + next, source.substring(prevEnd, nextStart).isBlank(), is(true));
            }
            if (overlapping) {
                assertThat("overlap_tokens > 0 but " + prev + " and " + next + " do not overlap", nextStart, lessThan(prevEnd));
            }
        }
    }

    // --- errors -------------------------------------------------------------------------------------------------------

    /** The request must fail; returns the failure (4xx and 5xx both throw). */
    static ResponseException errorFor(Request request) {
        return expectThrows(ResponseException.class, () -> client().performRequest(request));
    }

    /**
     * The failure has this HTTP status, this error type (any level of the error, when not null), and its reasons name
     * every fragment as a whole word (so "k" matches "[k] must be..." but not "k-NN" or "max_k").
     */
    static void assertError(ResponseException e, int status, String type, String... fragments) throws IOException {
        String what = e.getResponse().getRequestLine() + " -> " + e.getMessage();
        assertEquals("HTTP status of " + what, status, e.getResponse().getStatusLine().getStatusCode());
        Map<String, Object> body = entityAsMap(e.getResponse());
        assertEquals("[status] in the body of " + what, status, body.get("status"));
        List<String> types = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        collect(body.get("error"), types, reasons);
        assertFalse("no error reason in " + what, reasons.isEmpty());
        if (type != null) {
            assertTrue("error type [" + type + "] expected, got " + types + " in " + what, types.contains(type));
        }
        for (String fragment : fragments) {
            Pattern word = Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(fragment) + "(?![A-Za-z0-9_-])");
            assertTrue(
                "the error reason should name [" + fragment + "]: " + reasons + " in " + what,
                reasons.stream().anyMatch(r -> word.matcher(r).find())
            );
        }
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object error, List<String> types, List<String> reasons) {
        if (error instanceof String s) {
            reasons.add(s);
        } else if (error instanceof Map<?, ?> map) {
            if (map.get("type") instanceof String t) {
                types.add(t);
            }
            if (map.get("reason") instanceof String r) {
                reasons.add(r);
            }
            collect(map.get("caused_by"), types, reasons);
            if (map.get("root_cause") instanceof List<?> causes) {
                for (Object cause : causes) {
                    collect(cause, types, reasons);
                }
            }
        }
    }
}
