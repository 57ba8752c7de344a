/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import com.carrotsearch.randomizedtesting.RandomizedContext;

import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearchrealm.rest.HostileCases.Case;
import org.opensearchrealm.rest.HostileCases.Expect;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Over a thousand malformed, oversized and adversarial requests, drawn from the test's seeded random generator, to every
 * endpoint of the plugin on a real node: {@code _realm} (POST body, URL parameters, index names),
 * {@code PUT /_plugins/_realm/indices/{index}}, documents ({@code _doc}, {@code _bulk}) into a REALM index and
 * {@code _simulate} of pipelines with {@code realm_passages} ({@link HostileCases}). Every one must get a 4xx with a
 * reason (the few odd but valid ones may succeed), none a 5xx, none may hang past the client's socket timeout; afterwards
 * the cluster is green, the searched index is unchanged and still answers. A failure prints the cases that failed; the
 * seed in its REPRODUCE line replays the same requests.
 */
public class RealmHostileInputIT extends RealmRestSupport {

    private static final String KB = "hostile-kb";
    private static final String INGEST = "hostile-ingest";
    private static final String READ_BY_FIXTURE = "{\"reader\":\"tiny-qa-pick\",\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}";
    private static final int MIN_CASES = 1000;

    @Override
    protected Settings restClientSettings() {
        // a request that takes this long hangs, as far as this test is concerned
        return Settings.builder().put(super.restClientSettings()).put(CLIENT_SOCKET_TIMEOUT, "30s").build();
    }

    public void testHostileInputGets4xxNever5xx() throws IOException {
        createRealmIndex(KB, READ_BY_FIXTURE);
        bulk(KB, List.of(
            obj("_id", "volcano", "doc", obj("text", Texts.VOLCANO)),
            obj("_id", "bread", "doc", obj("text", Texts.BREAD)),
            obj("_id", "chess", "doc", obj("text", Texts.CHESS))
        ));
        createRealmIndex(INGEST, READ_BY_FIXTURE);
        List<Map<String, Object>> before = passages(realmPost(KB, obj("query", "what leavens sourdough?", "k", 10)));

        HostileCases generator = new HostileCases(KB, INGEST, 100, 1000);
        List<Case> cases = generator.all();
        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, Integer> perEndpoint = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            perEndpoint.merge(c.endpoint(), 1, Integer::sum);
            Outcome outcome = send(c);
            statuses.merge(c.endpoint() + " " + outcome.status, 1, Integer::sum);
            String problem = problem(c, outcome);
            if (problem != null) {
                failures.add("case " + i + " " + c + "\n    -> HTTP " + outcome.status + ": " + problem + "\n    " + abbreviate(outcome.body));
            }
        }
        long rejected = cases.stream().filter(c -> c.expect() != Expect.ANY).count();
        System.out.printf(
            "hostile input: %d cases (%d must be refused, %d odd but valid), seed %s%n  per endpoint: %s%n  statuses: %s%n",
            cases.size(),
            rejected,
            cases.size() - rejected,
            RandomizedContext.current().getRunnerSeedAsString(),
            perEndpoint,
            statuses
        );
        assertTrue("only " + cases.size() + " cases", cases.size() >= MIN_CASES);
        assertTrue(failures.size() + " of " + cases.size() + " cases failed:\n" + String.join("\n", failures.subList(0, Math.min(40, failures.size()))), failures.isEmpty());

        // afterwards: the node is up, the cluster green, the searched index untouched and answering as before
        Request health = new Request("GET", "/_cluster/health");
        health.addParameter("wait_for_status", "green");
        health.addParameter("timeout", "30s");
        Map<String, Object> status = entityAsMap(client().performRequest(health));
        assertEquals("cluster health after the hostile requests: " + status, "green", status.get("status"));
        Map<String, Object> count = entityAsMap(client().performRequest(new Request("GET", "/" + KB + "/_count")));
        assertEquals(3, count.get("count"));
        Map<String, Object> after = realmPost(KB, obj("query", "what leavens sourdough?", "k", 10));
        assertEquals(before, passages(after));
        assertEquals("bread", passages(after).get(0).get("_id"));
        assertNotNull("the reader still answers: " + after, after.get("answers"));
    }

    /** What came back: the status and the body, or why nothing came back. */
    private record Outcome(int status, String body, Map<String, Object> parsed, String noResponse) {}

    private static Outcome send(Case c) throws IOException {
        Request request = new Request(c.method(), c.path());
        c.params().forEach(request::addParameter);
        if (c.body() != null) {
            request.setEntity(new ByteArrayEntity(c.body(), c.contentType() == null ? null : ContentType.parse(c.contentType())));
        }
        Response response;
        try {
            response = performRetryingClosedConnection(request);
        } catch (ResponseException e) {
            response = e.getResponse();
        } catch (SocketTimeoutException e) {
            return new Outcome(-1, "", null, "no answer within the socket timeout: the request hangs");
        } catch (ConnectException e) {
            throw new AssertionError("the node does not accept connections any more, after " + c, e);
        } catch (IOException e) {
            return new Outcome(-1, "", null, "no answer: " + e);
        }
        byte[] raw = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
        Map<String, Object> parsed = null;
        MediaType type = response.getEntity() == null ? null : MediaType.fromMediaType(response.getEntity().getContentType());
        if (raw.length > 0 && type != null) {
            try (XContentParser parser = type.xContent().createParser(NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, raw)) {
                parsed = parser.map();
            } catch (IOException | RuntimeException e) {
                parsed = null; // an unreadable error body: reported as a missing reason
            }
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        return new Outcome(response.getStatusLine().getStatusCode(), body, parsed, null);
    }

    /**
     * The node closes the connection after some malformed requests, as HTTP allows; the client may not notice before it
     * sends the next request on it. That request is sent again once, on a new connection.
     */
    private static Response performRetryingClosedConnection(Request request) throws IOException {
        try {
            return client().performRequest(request);
        } catch (ConnectionClosedException e) {
            return client().performRequest(request);
        }
    }

    /** Why the outcome is wrong for the case, or null. */
    private static String problem(Case c, Outcome o) {
        if (o.noResponse != null) {
            return o.noResponse;
        }
        if (o.status >= 500) {
            return "a server error for a client's mistake";
        }
        if (o.status >= 400) {
            return hasReason(o.parsed) ? null : "a " + o.status + " without an error reason";
        }
        if (o.status < 200 || o.status >= 300) {
            return "unexpected status";
        }
        return switch (c.expect()) {
            case ANY -> null;
            case REJECTED -> "accepted, though it must be refused";
            case ITEMS_REJECTED -> everyItemFailed(o.parsed);
            case DOCS_REJECTED -> everyDocFailed(o.parsed);
        };
    }

    @SuppressWarnings("unchecked")
    private static String everyItemFailed(Map<String, Object> bulk) {
        if (bulk == null || bulk.get("items") instanceof List<?> == false) {
            return "no items in the bulk response";
        }
        for (Object item : (List<Object>) bulk.get("items")) {
            Map<String, Object> result = (Map<String, Object>) ((Map<String, Object>) item).values().iterator().next();
            int status = ((Number) result.get("status")).intValue();
            if (status < 400 || status >= 500 || hasReason(result) == false) {
                return "bulk item " + result + " did not fail with a 4xx and a reason";
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String everyDocFailed(Map<String, Object> simulate) {
        if (simulate == null || simulate.get("docs") instanceof List<?> == false) {
            return "no docs in the simulate response";
        }
        for (Object doc : (List<Object>) simulate.get("docs")) {
            Map<String, Object> result = (Map<String, Object>) doc;
            boolean failed = hasReason(result);
            if (result.get("processor_results") instanceof List<?> steps) { // verbose: the failing step carries the error
                failed = steps.stream().anyMatch(step -> hasReason((Map<String, Object>) step));
            }
            if (failed == false) {
                return "simulated document " + result + " did not fail with a reason";
            }
        }
        return null;
    }

    /** An OpenSearch error: {@code "error": "reason"} or {@code "error": {"reason": "..."}}, non-empty. */
    private static boolean hasReason(Map<String, Object> body) {
        if (body == null) {
            return false;
        }
        Object error = body.get("error");
        if (error instanceof String s) {
            return s.isBlank() == false;
        }
        return error instanceof Map<?, ?> map && map.get("reason") instanceof String r && r.isBlank() == false;
    }

    private static String abbreviate(String body) {
        return body.length() > 400 ? body.substring(0, 400) + "..." : body;
    }
}
