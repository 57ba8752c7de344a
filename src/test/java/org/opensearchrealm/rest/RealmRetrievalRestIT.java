/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;
import org.opensearch.client.RequestOptions;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.oneOf;

/**
 * Ingest and retrieval through {@code _realm} against a real node: the passages of every document with their offsets,
 * POST and GET, re-indexing, partial and bulk updates, deletes, filters, aliases and wildcards (see
 * {@link RealmRestSupport} for how to run).
 */
public class RealmRetrievalRestIT extends RealmRestSupport {

    public void testIngestAndRetrieveWithPostAndGet() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        indexDoc("kb", "volcano", obj("title", "Volcanoes", "text", Texts.VOLCANO));
        bulk(
            "kb",
            List.of(
                Map.of("_id", "bread", "doc", obj("title", "Sourdough", "text", Texts.BREAD)),
                Map.of("_id", "chess", "doc", obj("title", "Chess openings", "text", Texts.CHESS)),
                Map.of("_id", "whales", "doc", obj("title", "Humpback whales", "text", Texts.WHALES)),
                Map.of("_id", "dessert", "doc", obj("title", "Crème brûlée", "text", Texts.DESSERT))
            )
        );

        Map<String, String> questions = Map.of(
            "volcano", "How does magma rise to the surface and erupt from a volcano?",
            "bread", "How is sourdough leavened and how is the loaf baked?",
            "chess", "Which chess openings fight for the centre of the board?",
            "whales", "Why do humpback whales migrate and sing?",
            "dessert", "French custard dessert with a crust of burnt sugar"
        );
        for (Map.Entry<String, String> q : questions.entrySet()) {
            Map<String, Object> post = realmPost("kb", obj("query", q.getValue(), "k", 4));
            assertThat(post.get("took"), instanceOf(Integer.class));
            assertThat((Integer) post.get("took"), greaterThanOrEqualTo(0));
            @SuppressWarnings("unchecked")
            Map<String, Object> timing = (Map<String, Object>) post.get("timing");
            assertThat(timing, notNullValue());
            assertThat(((Number) timing.get("encode")).doubleValue(), greaterThanOrEqualTo(0.0));
            assertThat(((Number) timing.get("search")).doubleValue(), greaterThanOrEqualTo(0.0));

            List<Map<String, Object>> found = passages(post);
            assertThat(found, hasSize(4));
            assertThat("best passage for [" + q.getValue() + "]: " + found, found.get(0).get("_id"), equalTo(q.getKey()));
            assertWellFormed("kb", found);

            // the same question through GET gives the same passages
            List<Map<String, Object>> viaGet = passages(realmGet("kb", q.getValue(), "4"));
            assertThat(keys(viaGet), equalTo(keys(found)));
        }

        // k defaults to 5 when absent
        assertThat(passages(realmGet("kb", "volcanic ash and aircraft", null)), hasSize(5));
        assertThat(passages(realmPost("kb", obj("query", "volcanic ash and aircraft"))), hasSize(5));

        // several passages of one document compete: the long volcano text has many, all relevant
        List<Map<String, Object>> volcanic = passages(realmPost("kb", obj("query", "volcano eruption lava magma ash", "k", 3)));
        assertThat(idsOf(volcanic), everyItem(equalTo("volcano")));
        assertThat(volcanic.stream().map(p -> p.get("passage")).collect(Collectors.toSet()), hasSize(3));

        // k larger than the number of passages: every passage, each once, covering each text
        List<Map<String, Object>> all = allPassagesOf("kb", "anything at all", 100);
        assertWellFormed("kb", all);
        for (String id : questions.keySet()) {
            assertCovers(sourceText("kb", id, "text"), all.stream().filter(p -> id.equals(p.get("_id"))).toList(), true);
        }
        assertThat(all.stream().filter(p -> "volcano".equals(p.get("_id"))).count(), greaterThan(3L));

        // the top k are the k best of all passages, whichever documents they come from
        for (String question : List.of("sugar and flour in the kitchen", "animals of the sea", "warning signs before an eruption")) {
            List<Map<String, Object>> everything = allPassagesOf("kb", question, 100);
            for (int k : new int[] { 1, 3, 7, 12 }) {
                List<Map<String, Object>> top = passages(realmPost("kb", obj("query", question, "k", k)));
                assertThat("top " + k + " for [" + question + "]", keys(top), equalTo(keys(everything.subList(0, k))));
            }
        }
    }

    /** Offsets are in UTF-16 code units of the source, as Java's and JavaScript's substring count them. */
    public void testOffsetsWithNonAsciiText() throws IOException {
        createRealmIndex("intl", "{\"passage_tokens\":24,\"overlap_tokens\":4,\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        indexDoc("intl", "d", obj("text", Texts.DESSERT));
        indexDoc("intl", "cafe", obj("text", Texts.CAFE));
        List<Map<String, Object>> all = allPassagesOf("intl", "matcha 🍵 in 東京", 100);
        assertWellFormed("intl", all);
        assertCovers(Texts.DESSERT, all.stream().filter(p -> "d".equals(p.get("_id"))).toList(), true);
        assertCovers(Texts.CAFE, all.stream().filter(p -> "cafe".equals(p.get("_id"))).toList(), true);
    }

    public void testBulkItemWithNonStringTextFails() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        String body = "{\"index\":{\"_id\":\"ok-1\"}}\n"
            + json(obj("text", Texts.CHESS))
            + "\n{\"index\":{\"_id\":\"number\"}}\n"
            + "{\"text\":42}\n"
            + "{\"index\":{\"_id\":\"object\"}}\n"
            + "{\"text\":{\"nested\":\"value\"}}\n"
            + "{\"index\":{\"_id\":\"ok-2\"}}\n"
            + json(obj("text", Texts.WHALES))
            + "\n";
        Request bulk = new Request("POST", "/kb/_bulk");
        bulk.addParameter("refresh", "true");
        bulk.setJsonEntity(body);
        Map<String, Object> response = entityAsMap(client().performRequest(bulk));
        assertThat(response.get("errors"), equalTo(true));
        @SuppressWarnings("unchecked")
        List<Map<String, Map<String, Object>>> items = (List<Map<String, Map<String, Object>>>) response.get("items");
        assertThat(items, hasSize(4));
        assertThat(items.get(0).get("index").get("status"), equalTo(201));
        assertThat(items.get(3).get("index").get("status"), equalTo(201));
        for (int i : new int[] { 1, 2 }) {
            Map<String, Object> item = items.get(i).get("index");
            assertThat(json(item), item.get("status"), equalTo(400));
            assertThat(json(item), containsString("text"));
        }
        assertThat(idsOf(allPassagesOf("kb", "chess openings", 100)), equalTo(Set.of("ok-1", "ok-2")));
        assertThat(errorFor(new Request("GET", "/kb/_doc/number")).getResponse().getStatusLine().getStatusCode(), equalTo(404));
    }

    @SuppressWarnings("unchecked")
    public void testReindexReplacesPassages() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        indexDoc("kb", "doc-1", obj("text", Texts.VOLCANO));
        indexDoc("kb", "other", obj("text", Texts.CHESS));
        List<Map<String, Object>> before = passages(realmPost("kb", obj("query", "magma chamber and pyroclastic flows", "k", 3)));
        assertThat(before.get(0).get("_id"), equalTo("doc-1"));
        long oldCount = allPassagesOf("kb", "volcano", 100).stream().filter(p -> "doc-1".equals(p.get("_id"))).count();
        assertThat(oldCount, greaterThan(2L));

        // re-index the same id with a short text about something else
        indexDoc("kb", "doc-1", obj("text", Texts.KNITTING));
        List<Map<String, Object>> all = allPassagesOf("kb", "magma chamber and pyroclastic flows", 100);
        List<Map<String, Object>> ofDoc = all.stream().filter(p -> "doc-1".equals(p.get("_id"))).toList();
        assertWellFormed("kb", all);
        assertCovers(Texts.KNITTING, ofDoc, true);
        for (Map<String, Object> p : all) {
            assertThat("old passage still retrievable: " + p, (String) p.get("text"), not(containsString("magma")));
            assertThat("old passage still retrievable: " + p, (String) p.get("text"), not(containsString("volcan")));
        }
        assertThat(passages(realmGet("kb", "knitting wool with needles", "1")).get(0).get("_id"), equalTo("doc-1"));

        // a partial update that changes the text also replaces the passages; OpenSearch warns that running a default
        // pipeline on _update is deprecated, which is not the plugin's doing
        Request update = request("POST", "/kb/_update/doc-1", json(obj("doc", obj("text", Texts.WHALES))));
        update.addParameter("refresh", "true");
        RequestOptions.Builder options = RequestOptions.DEFAULT.toBuilder();
        options.setWarningsHandler(warnings -> warnings.stream().anyMatch(w -> w.contains("ingest pipeline") == false));
        update.setOptions(options);
        client().performRequest(update);
        List<Map<String, Object>> afterUpdate = allPassagesOf("kb", "humpback whale songs", 100);
        assertWellFormed("kb", afterUpdate);
        assertCovers(Texts.WHALES, afterUpdate.stream().filter(p -> "doc-1".equals(p.get("_id"))).toList(), true);
        for (Map<String, Object> p : afterUpdate) {
            assertThat((String) p.get("text"), not(containsString("knit")));
        }

        // update items of _bulk (a partial document, a script, a missing document) between other items: each takes
        // effect in its place, and the changed texts get new passages (OpenSearch alone would keep the old ones)
        String bulkBody = json(obj("update", obj("_index", "kb", "_id", "doc-1"))) + "\n"
            + json(obj("doc", obj("text", Texts.KNITTING))) + "\n"
            + json(obj("index", obj("_index", "kb", "_id", "new"))) + "\n"
            + json(obj("text", Texts.BREAD)) + "\n"
            + json(obj("update", obj("_index", "kb", "_id", "other"))) + "\n"
            + json(obj("script", obj("source", "ctx._source.text = params.t", "params", obj("t", Texts.WHALES)))) + "\n"
            + json(obj("update", obj("_index", "kb", "_id", "missing"))) + "\n"
            + json(obj("doc", obj("text", "x"))) + "\n"
            + json(obj("update", obj("_index", "kb", "_id", "new"))) + "\n"
            + json(obj("doc", obj("title", "bread"))) + "\n";
        Request bulk = request("POST", "/_bulk", bulkBody);
        bulk.addParameter("refresh", "true");
        bulk.setOptions(options);
        Map<String, Object> bulkResponse = entityAsMap(client().performRequest(bulk));
        assertThat(bulkResponse.get("errors"), equalTo(true));
        List<Map<String, Object>> items = (List<Map<String, Object>>) bulkResponse.get("items");
        List<Object> statuses = items.stream().map(i -> ((Map<String, Object>) i.values().iterator().next()).get("status")).toList();
        assertThat(statuses, equalTo(List.of(200, 201, 200, 404, 200)));
        assertThat(items.get(1).keySet(), equalTo(Set.of("index")));
        assertThat(items.get(3).keySet(), equalTo(Set.of("update")));
        List<Map<String, Object>> afterBulk = allPassagesOf("kb", "knitting wool", 100);
        assertWellFormed("kb", afterBulk);
        assertCovers(Texts.KNITTING, afterBulk.stream().filter(p -> "doc-1".equals(p.get("_id"))).toList(), true);
        assertCovers(Texts.WHALES, afterBulk.stream().filter(p -> "other".equals(p.get("_id"))).toList(), true);
        assertCovers(Texts.BREAD, afterBulk.stream().filter(p -> "new".equals(p.get("_id"))).toList(), true);
        for (Map<String, Object> p : afterBulk) {
            assertThat("old passage still retrievable: " + p, (String) p.get("text"), not(containsString("chess")));
        }
    }

    public void testDeleteRemovesPassages() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        indexDoc("kb", "volcano", obj("text", Texts.VOLCANO));
        indexDoc("kb", "bread", obj("text", Texts.BREAD));
        indexDoc("kb", "whales", obj("text", Texts.WHALES));
        assertThat(idsOf(allPassagesOf("kb", "lava", 100)), equalTo(Set.of("volcano", "bread", "whales")));

        Request delete = new Request("DELETE", "/kb/_doc/volcano");
        delete.addParameter("refresh", "true");
        client().performRequest(delete);

        List<Map<String, Object>> all = allPassagesOf("kb", "How does magma rise to the surface and erupt?", 100);
        assertThat(idsOf(all), equalTo(Set.of("bread", "whales")));
        assertWellFormed("kb", all);

        // and through _bulk (_delete_by_query lives in the reindex module, which the test distribution lacks)
        Request bulkDelete = request("POST", "/kb/_bulk", "{\"delete\":{\"_id\":\"bread\"}}\n");
        bulkDelete.addParameter("refresh", "true");
        assertThat(entityAsMap(client().performRequest(bulkDelete)).get("errors"), equalTo(false));
        assertThat(idsOf(allPassagesOf("kb", "sourdough", 100)), equalTo(Set.of("whales")));
    }

    public void testFilterRestrictsDocuments() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        indexDoc("kb", "volcano", obj("topic", "science", "year", 2001, "text", Texts.VOLCANO));
        indexDoc("kb", "whales", obj("topic", "science", "year", 2015, "text", Texts.WHALES));
        indexDoc("kb", "bread", obj("topic", "cooking", "year", 2010, "text", Texts.BREAD));
        indexDoc("kb", "dessert", obj("topic", "cooking", "year", 2020, "text", Texts.DESSERT));
        indexDoc("kb", "chess", obj("topic", "games", "year", 2020, "text", Texts.CHESS));

        String question = "How does magma rise to the surface and erupt?";
        List<Map<String, Object>> cooking = passages(
            realmPost("kb", obj("query", question, "k", 10, "filter", obj("match", obj("topic", "cooking"))))
        );
        assertThat(cooking, not(empty()));
        assertThat(idsOf(cooking), everyItem(oneOf("bread", "dessert")));
        assertWellFormed("kb", cooking);

        List<Map<String, Object>> recent = passages(
            realmPost("kb", obj("query", question, "k", 10, "filter", obj("range", obj("year", obj("gte", 2015)))))
        );
        assertThat(idsOf(recent), everyItem(oneOf("whales", "dessert", "chess")));
        assertThat(idsOf(recent), hasItem("whales"));

        List<Map<String, Object>> notVolcano = passages(
            realmPost(
                "kb",
                obj("query", question, "k", 3, "filter", obj("bool", obj("must_not", obj("ids", obj("values", List.of("volcano"))))))
            )
        );
        assertThat(notVolcano, hasSize(3));
        assertThat(idsOf(notVolcano), not(hasItem("volcano")));

        // a filter that matches nothing finds nothing
        assertThat(passages(realmPost("kb", obj("query", question, "k", 5, "filter", obj("term", obj("topic", "poetry"))))), empty());

        // a filter is query DSL: bad DSL is a 400 that names it
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"filter\":{\"no_such_query\":{}}}")), 400, null, "no_such_query");
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"filter\":\"topic:science\"}")), 400, null, "filter");
    }

    public void testAliasesAndWildcards() throws IOException {
        createRealmIndex("kb-a", ONE_SHARD);
        createRealmIndex("kb-b", ONE_SHARD);
        indexDoc("kb-a", "volcano", obj("text", Texts.VOLCANO));
        indexDoc("kb-b", "bread", obj("text", Texts.BREAD));
        client().performRequest(request("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"kb-b\",\"alias\":\"recipes\"}}]}"));

        List<Map<String, Object>> both = passages(realmPost("kb-*", obj("query", "sourdough loaf", "k", 10)));
        assertThat(both.stream().map(p -> p.get("_index")).collect(Collectors.toSet()), equalTo(Set.of("kb-a", "kb-b")));
        assertThat(both.get(0).get("_index"), equalTo("kb-b"));

        List<Map<String, Object>> list = passages(realmGet("kb-a,kb-b", "sourdough loaf", "10"));
        assertThat(keys(list), equalTo(keys(both)));

        List<Map<String, Object>> viaAlias = passages(realmPost("recipes", obj("query", "magma eruption", "k", 10)));
        assertThat(viaAlias, not(empty()));
        assertThat(viaAlias.stream().map(p -> p.get("_index")).collect(Collectors.toSet()), equalTo(Set.of("kb-b")));

        // like _search: a wildcard matching no index is an empty answer, a missing concrete index is a 404
        assertThat(passages(realmPost("nothing-here-*", obj("query", "magma"))), empty());
        assertError(errorFor(realmRequest("kb-a,missing", "{\"query\":\"magma\"}")), 404, "index_not_found_exception", "missing");
    }

    /** Identity of each passage in order: index, id and passage number. */
    private static List<String> keys(List<Map<String, Object>> passages) {
        return passages.stream().map(p -> p.get("_index") + "/" + p.get("_id") + "#" + p.get("passage")).toList();
    }

    /** Offsets are in UTF-16 code units of the source, as Java's and JavaScript's substring count them. */
    /** As for {@code _search}, URL parameters override the body: {@code q} over {@code query}, {@code k} over {@code k}. */
    public void testUrlParametersOverrideTheBody() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        bulk(
            "kb",
            List.of(Map.of("_id", "volcano", "doc", obj("text", Texts.VOLCANO)), Map.of("_id", "bread", "doc", obj("text", Texts.BREAD)))
        );
        for (String method : List.of("GET", "POST")) {
            Request request = request(method, "/kb/_realm", json(obj("query", "magma eruption of a volcano", "k", 5)));
            request.addParameter("q", "sourdough starter and loaf");
            request.addParameter("k", "1");
            List<Map<String, Object>> found = passages(entityAsMap(client().performRequest(request)));
            assertThat(method, found, hasSize(1));
            assertThat(method, found.get(0).get("_id"), equalTo("bread"));
        }
        // body fields without a URL parameter still apply
        Request onlyQ = request("GET", "/kb/_realm", json(obj("k", 1)));
        onlyQ.addParameter("q", "magma eruption of a volcano");
        List<Map<String, Object>> found = passages(entityAsMap(client().performRequest(onlyQ)));
        assertThat(found, hasSize(1));
        assertThat(found.get(0).get("_id"), equalTo("volcano"));
    }

    /** A dotted source field is read whether documents write it as objects, as one dotted key, or mixed. */
    public void testDottedSourceField() throws IOException {
        createRealmIndex("dotted", "{\"source_field\":\"a.b.c\",\"reader\":\"\",\"settings\":{\"number_of_shards\":1}}");
        Map<String, String> texts = Map.of(
            "objects",
            Texts.VOLCANO,
            "dotted",
            Texts.BREAD,
            "mixed",
            Texts.CHESS,
            "mixed-2",
            Texts.WHALES,
            "beside-an-object",
            Texts.DESSERT
        );
        indexDoc("dotted", "objects", obj("a", obj("b", obj("c", Texts.VOLCANO))));
        indexDoc("dotted", "dotted", obj("a.b.c", Texts.BREAD));
        indexDoc("dotted", "mixed", obj("a", obj("b.c", Texts.CHESS)));
        indexDoc("dotted", "mixed-2", obj("a.b", obj("c", Texts.WHALES)));
        // object "a" without the field, and the field as a dotted key beside it
        indexDoc("dotted", "beside-an-object", obj("a", obj("title", "dessert"), "a.b.c", Texts.DESSERT));
        List<Map<String, Object>> all = allPassagesOf("dotted", "bread, chess, whales, custard and volcanoes", 100);
        assertThat(idsOf(all), equalTo(texts.keySet()));
        for (Map<String, Object> p : all) {
            String source = texts.get((String) p.get("_id"));
            assertThat(p.get("text"), equalTo(source.substring((Integer) p.get("start"), (Integer) p.get("end"))));
        }
        assertThat(passages(realmPost("dotted", obj("query", "sourdough starter", "k", 1))).get(0).get("_id"), equalTo("dotted"));

        // the field given twice (as objects and as a dotted key) has two values: refused like an array
        Request twice = request("PUT", "/dotted/_doc/twice", json(obj("a", obj("b", obj("c", "one")), "a.b.c", "two")));
        assertError(errorFor(twice), 400, null, "a.b.c");
    }

    /**
     * {@code ignore_unavailable}, {@code allow_no_indices} and {@code expand_wildcards} resolve the indices of
     * {@code _realm} as they do for {@code _search}: the same status, passages of the indices that {@code _search} hits.
     */
    public void testIndicesOptionsAsForSearch() throws IOException {
        createRealmIndex("kb-a", ONE_SHARD);
        createRealmIndex("kb-b", ONE_SHARD);
        createRealmIndex("kb-closed", ONE_SHARD);
        indexDoc("kb-a", "volcano", obj("text", Texts.VOLCANO));
        indexDoc("kb-b", "bread", obj("text", Texts.BREAD));
        client().performRequest(new Request("POST", "/kb-closed/_close"));

        List<List<String>> cases = List.of(
            List.of("kb-a,missing", "ignore_unavailable=true"),
            List.of("kb-a,missing", "ignore_unavailable=false"),
            List.of("missing", "ignore_unavailable=true"),
            List.of("missing", "ignore_unavailable=true&allow_no_indices=false"),
            List.of("nothing-*", "allow_no_indices=false"),
            List.of("nothing-*", "allow_no_indices=true"),
            List.of("kb-*", "allow_no_indices=false"),
            List.of("kb-*", "expand_wildcards=none"),
            List.of("kb-*", "expand_wildcards=none&allow_no_indices=false"),
            List.of("kb-*", "expand_wildcards=open"),
            List.of("kb-*", "expand_wildcards=closed"),
            List.of("kb-*", "expand_wildcards=closed&ignore_unavailable=true"),
            List.of("kb-*", "expand_wildcards=all"),
            List.of("kb-*", "expand_wildcards=all&ignore_unavailable=true"),
            List.of("kb-closed", "ignore_unavailable=true"),
            List.of("kb-closed,kb-b", "ignore_unavailable=true"),
            List.of("kb-a", "expand_wildcards=bogus"),
            List.of("kb-a", "ignore_unavailable=maybe")
        );
        for (List<String> c : cases) {
            String what = c.get(0) + "?" + c.get(1);
            Response search = performAllowingErrors(withParams(new Request("GET", "/" + c.get(0) + "/_search"), c.get(1)));
            for (String method : List.of("GET", "POST")) {
                Request realm = withParams(new Request(method, "/" + c.get(0) + "/_realm"), c.get(1));
                realm.setJsonEntity(json(obj("query", "bread and volcanoes", "k", 10)));
                Response answer = performAllowingErrors(realm);
                int status = search.getStatusLine().getStatusCode();
                assertThat(method + " " + what, answer.getStatusLine().getStatusCode(), equalTo(status));
                if (status == 200) {
                    Set<Object> searched = ((List<?>) ((Map<?, ?>) entityAsMap(search).get("hits")).get("hits")).stream()
                        .map(h -> ((Map<?, ?>) h).get("_index"))
                        .collect(Collectors.toSet());
                    Set<Object> realmIndices = passages(entityAsMap(answer)).stream().map(p -> p.get("_index")).collect(Collectors.toSet());
                    assertThat(method + " " + what, realmIndices, equalTo(searched));
                } else {
                    assertError(new ResponseException(answer), status, null);
                }
            }
        }
        // the passages of the indices that remain, after a missing one is skipped
        Request skipMissing = realmRequest("kb-a,missing", "{\"query\":\"magma\"}");
        skipMissing.addParameter("ignore_unavailable", "true");
        assertThat(idsOf(passages(entityAsMap(client().performRequest(skipMissing)))), equalTo(Set.of("volcano")));
    }

    private static Request withParams(Request request, String params) {
        for (String param : params.split("&")) {
            String[] kv = param.split("=", 2);
            request.addParameter(kv[0], kv[1]);
        }
        return request;
    }

    /** The response, whatever its status. */
    private static Response performAllowingErrors(Request request) throws IOException {
        try {
            return client().performRequest(request);
        } catch (ResponseException e) {
            return e.getResponse();
        }
    }
}
