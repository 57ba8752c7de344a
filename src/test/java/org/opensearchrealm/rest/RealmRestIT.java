/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.junit.After;
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
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The REST API of the plugin against a real node (k-NN and this plugin installed), given by
 * {@code -Dtests.rest.cluster=127.0.0.1:PORT}. The base class deletes every index and resets cluster settings after
 * each test; this class also removes the ingest pipelines REALM indices leave behind.
 *
 * <pre>
 * integ-test/assemble.sh --plugin target/opensearch-realm-0.1.0.zip
 * integ-test/node.sh start --http-port 9270 --transport-port 9370 --clean --wait
 * mvn -Prest-it test-compile failsafe:integration-test failsafe:verify -Dtests.rest.cluster=127.0.0.1:9270 [-Dit.test=RealmRestIT#testX]
 * integ-test/node.sh stop
 * </pre>
 */
public class RealmRestIT extends RealmRestSupport {

    /** Passages short enough that the longer texts below are cut into several. */
    private static final String SMALL_PASSAGES = "{\"passage_tokens\":48,\"overlap_tokens\":8,\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0}}";
    private static final String ONE_SHARD = "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}";

    @After
    public void deleteRealmPipelines() throws IOException {
        wipeAllIndices(); // first, so no index still names the pipelines as its default
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
                adminClient().performRequest(new Request("DELETE", "/_ingest/pipeline/" + id));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // creating indices

    public void testCreateIndexWithDefaults() throws IOException {
        Map<String, Object> created = createRealmIndex("demo", null);
        assertThat(created.get("acknowledged"), equalTo(true));
        assertThat(created.get("index"), equalTo("demo"));
        assertThat(created.get("pipeline"), equalTo("realm-demo"));
        assertThat(created.get("model"), equalTo("all-minilm-l6-v2"));
        assertThat(created.get("dimension"), equalTo(384));
        assertThat(created.get("reader"), equalTo("realm-reader-minilm")); // the reader the plugin ships

        Map<String, Object> settings = getIndexSettingsAsMap("demo");
        assertThat(settings.get("index.default_pipeline"), equalTo("realm-demo"));
        assertThat(settings.get("index.realm.reader"), equalTo("realm-reader-minilm"));

        Map<String, Object> pipeline = entityAsMap(client().performRequest(new Request("GET", "/_ingest/pipeline/realm-demo")));
        assertThat(json(pipeline), containsString("\"realm_passages\""));

        Map<String, Object> mapping = entityAsMap(client().performRequest(new Request("GET", "/demo/_mapping")));
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) mapping.get("demo")).get(
            "mappings"
        )).get("properties");
        assertThat(properties, hasKey("realm_passages"));
        assertThat(json(properties.get("realm_passages")), containsString("\"nested\""));
        assertThat(json(properties.get("realm_passages")), containsString("\"knn_vector\""));

        // the same name again: refused, and the existing index keeps its pipeline
        ResponseException e = errorFor(request("PUT", "/_plugins/_realm/indices/demo", null));
        assertError(e, 400, "resource_already_exists_exception", "demo");
        assertThat(getIndexSettingsAsMap("demo").get("index.default_pipeline"), equalTo("realm-demo"));

        // an index deleted through the normal API can be created again (its old pipeline must not be in the way)
        client().performRequest(new Request("DELETE", "/demo"));
        assertThat(createRealmIndex("demo", ONE_SHARD).get("acknowledged"), equalTo(true));
    }

    public void testCreateIndexOverAnotherFieldWithSettings() throws IOException {
        Map<String, Object> created = createRealmIndex(
            "notes",
            "{\"source_field\":\"body\",\"model\":\"all-minilm-l6-v2\",\"passage_tokens\":254,\"overlap_tokens\":0,"
                + "\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":0}}"
        );
        assertThat(created.get("pipeline"), equalTo("realm-notes"));
        assertThat(getIndexSettingsAsMap("notes").get("index.number_of_shards"), equalTo("3"));

        indexDoc("notes", "n1", obj("title", "whales", "body", Texts.WHALES));
        indexDoc("notes", "n2", obj("title", "bread", "body", Texts.BREAD, "text", "this field is not the source field"));
        List<Map<String, Object>> found = passages(realmPost("notes", obj("query", "songs of migrating humpback whales", "k", 5)));
        assertThat(found.get(0).get("_id"), equalTo("n1"));
        for (Map<String, Object> p : found) {
            String source = sourceText("notes", (String) p.get("_id"), "body");
            assertThat(p.get("text"), equalTo(source.substring((Integer) p.get("start"), (Integer) p.get("end"))));
        }
    }

    public void testCreateIndexErrors() throws IOException {
        createRealmIndex("taken", ONE_SHARD);

        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/taken", ONE_SHARD)), 400, "resource_already_exists_exception", "taken");
        // a plain index of that name is just as taken
        client().performRequest(request("PUT", "/plain-taken", ONE_SHARD));
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/plain-taken", null)), 400, "resource_already_exists_exception", "plain-taken");

        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/m", "{\"model\":\"no-such-model\"}")), 404, null, "no-such-model");

        // MiniLM reads 256 tokens, two of which are [CLS] and [SEP]
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/p", "{\"passage_tokens\":255}")), 400, null, "passage_tokens");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/p", "{\"passage_tokens\":4096}")), 400, null, "passage_tokens");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/p", "{\"passage_tokens\":0}")), 400, null, "passage_tokens");
        assertError(
            errorFor(request("PUT", "/_plugins/_realm/indices/o", "{\"passage_tokens\":64,\"overlap_tokens\":64}")),
            400,
            null,
            "overlap_tokens"
        );
        assertError(
            errorFor(request("PUT", "/_plugins/_realm/indices/o", "{\"passage_tokens\":64,\"overlap_tokens\":100}")),
            400,
            null,
            "overlap_tokens"
        );
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/o", "{\"overlap_tokens\":-1}")), 400, null, "overlap_tokens");

        // unknown fields and wrong types are named
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/u", "{\"passage_token\":100}")), 400, null, "passage_token");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/u", "{\"mappings\":{}}")), 400, null, "mappings");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/t", "{\"passage_tokens\":\"many\"}")), 400, null, "passage_tokens");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/t", "{\"passage_tokens\":12.5}")), 400, null, "passage_tokens");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/t", "{\"model\":7}")), 400, null, "model");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/t", "{\"source_field\":[\"a\",\"b\"]}")), 400, null, "source_field");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/t", "{\"settings\":\"shards=1\"}")), 400, null, "settings");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/t", "{\"passage_tokens\":")), 400, null);
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/t", "[1,2]")), 400, null);

        // settings the plugin owns
        assertError(
            errorFor(request("PUT", "/_plugins/_realm/indices/s", "{\"settings\":{\"index.default_pipeline\":\"mine\"}}")),
            400,
            null,
            "index.default_pipeline"
        );
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/s", "{\"settings\":{\"default_pipeline\":\"mine\"}}")), 400, null, "default_pipeline");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/s", "{\"settings\":{\"index\":{\"knn\":false}}}")), 400, null, "index.knn");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/s", "{\"settings\":{\"index.knn\":false}}")), 400, null, "index.knn");
        assertError(
            errorFor(request("PUT", "/_plugins/_realm/indices/s", "{\"settings\":{\"index.realm.model\":\"bge-small-en-v15\"}}")),
            400,
            null,
            "index.realm.model"
        );

        // nothing was left behind by the refused requests
        for (String name : List.of("m", "p", "o", "u", "t", "s")) {
            assertFalse("index [" + name + "] exists after a refused create", indexExists(name));
        }
        // the largest passage MiniLM allows is accepted
        assertThat(createRealmIndex("p", "{\"passage_tokens\":254,\"overlap_tokens\":253}").get("acknowledged"), equalTo(true));
    }

    /** An index.realm.* setting the plugin does not have is called unknown, with the ones that can be given. */
    public void testUnknownRealmSettingIsNamedUnknown() throws IOException {
        for (String key : List.of("index.realm.bogus", "realm.bogus")) {
            ResponseException e = errorFor(request("PUT", "/_plugins/_realm/indices/s", json(obj("settings", obj(key, 1)))));
            assertError(
                e,
                400,
                null,
                "unknown",
                key,
                "index.realm.no_answer_threshold",
                "index.realm.max_answer_tokens",
                "index.realm.retrieval_temperature"
            );
            assertThat(e.getMessage(), not(containsString("set by the plugin")));
        }
        assertFalse(indexExists("s"));

        createRealmIndex("kb", ONE_SHARD);
        for (String key : List.of("index.realm.bogus", "realm.bogus")) {
            assertError(
                errorFor(request("PUT", "/kb/_settings", json(obj(key, 1)))),
                400,
                null,
                "unknown",
                key,
                "index.realm.reader",
                "index.realm.no_answer_threshold",
                "index.realm.max_answer_tokens",
                "index.realm.retrieval_temperature"
            );
        }
        // the create-index API of OpenSearch itself
        assertError(
            errorFor(request("PUT", "/plain", json(obj("settings", obj("index.realm.bogus", 1))))),
            400,
            null,
            "unknown",
            "index.realm.bogus",
            "index.realm.model",
            "index.realm.source_field",
            "index.realm.reader"
        );
        assertFalse(indexExists("plain"));
        // settings that exist are taken as before
        client().performRequest(request("PUT", "/kb/_settings", json(obj("index.realm.no_answer_threshold", 0.5))));
        assertThat(getIndexSettingsAsMap("kb").get("index.realm.no_answer_threshold"), equalTo("0.5"));
        assertError(
            errorFor(request("PUT", "/_plugins/_realm/indices/s", "{\"settings\":{\"index.realm.source_field\":\"body\"}}")),
            400,
            null,
            "index.realm.source_field",
            "set by the plugin"
        );
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ingest and retrieval

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

    public void testOffsetsWithNonAsciiText() throws IOException {
        createRealmIndex("intl", "{\"passage_tokens\":24,\"overlap_tokens\":4,\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        indexDoc("intl", "d", obj("text", Texts.DESSERT));
        indexDoc("intl", "cafe", obj("text", Texts.CAFE));
        List<Map<String, Object>> all = allPassagesOf("intl", "matcha 🍵 in 東京", 100);
        assertWellFormed("intl", all);
        assertCovers(Texts.DESSERT, all.stream().filter(p -> "d".equals(p.get("_id"))).toList(), true);
        assertCovers(Texts.CAFE, all.stream().filter(p -> "cafe".equals(p.get("_id"))).toList(), true);
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

    /** A hand-edited pipeline that embeds with another model than the index's is refused, per document. */
    @SuppressWarnings("unchecked")
    public void testPipelineWithAnotherModelIsRefused() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        String otherModel = json(obj("processors", List.of(obj("realm_passages", obj("field", "text", "model", "bge-small-en-v15")))));
        client().performRequest(request("PUT", "/_ingest/pipeline/realm-kb", otherModel));

        assertError(errorFor(request("PUT", "/kb/_doc/one", json(obj("text", Texts.CHESS)))), 400, null, "kb", "all-minilm-l6-v2", "bge-small-en-v15");

        Request bulk = request(
            "POST",
            "/kb/_bulk",
            "{\"index\":{\"_id\":\"a\"}}\n" + json(obj("text", Texts.WHALES)) + "\n{\"index\":{\"_id\":\"b\"}}\n" + json(obj("text", Texts.BREAD)) + "\n"
        );
        bulk.addParameter("refresh", "true");
        Map<String, Object> response = entityAsMap(client().performRequest(bulk));
        assertThat(response.get("errors"), equalTo(true));
        List<Map<String, Map<String, Object>>> items = (List<Map<String, Map<String, Object>>>) response.get("items");
        assertThat(items, hasSize(2));
        for (Map<String, Map<String, Object>> item : items) {
            Map<String, Object> index = item.get("index");
            assertThat(json(index), index.get("status"), equalTo(400));
            String reason = json(index.get("error"));
            for (String fragment : List.of("[kb]", "[all-minilm-l6-v2]", "[bge-small-en-v15]")) {
                assertThat(reason, containsString(fragment));
            }
        }
        assertThat(entityAsMap(client().performRequest(new Request("GET", "/kb/_count"))).get("count"), equalTo(0));
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
        assertThat(idsOf(cooking), everyItem(org.hamcrest.Matchers.oneOf("bread", "dessert")));
        assertWellFormed("kb", cooking);

        List<Map<String, Object>> recent = passages(
            realmPost("kb", obj("query", question, "k", 10, "filter", obj("range", obj("year", obj("gte", 2015)))))
        );
        assertThat(idsOf(recent), everyItem(org.hamcrest.Matchers.oneOf("whales", "dessert", "chess")));
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

    // ---------------------------------------------------------------------------------------------------------------
    // errors of _realm

    public void testSearchErrorsForIndices() throws IOException {
        assertError(errorFor(realmRequest("no-such-index", "{\"query\":\"magma\"}")), 404, "index_not_found_exception", "no-such-index");
        Request get = new Request("GET", "/no-such-index/_realm");
        get.addParameter("q", "magma");
        assertError(errorFor(get), 404, "index_not_found_exception", "no-such-index");

        client().performRequest(request("PUT", "/plain", ONE_SHARD));
        indexDoc("plain", "1", obj("text", Texts.VOLCANO));
        assertError(errorFor(realmRequest("plain", "{\"query\":\"magma\"}")), 400, null, "not a REALM index");
        Request getPlain = new Request("GET", "/plain/_realm");
        getPlain.addParameter("q", "magma");
        assertError(errorFor(getPlain), 400, null, "not a REALM index");
    }

    public void testSearchErrorsForQueryAndK() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        indexDoc("kb", "volcano", obj("text", Texts.VOLCANO));

        // empty, blank or missing query
        assertError(errorFor(realmRequest("kb", "{\"query\":\"\"}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":\"   \\n\\t \"}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"k\":3}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{}")), 400, null, "query");
        assertError(errorFor(new Request("POST", "/kb/_realm")), 400, null, "query");
        assertError(errorFor(new Request("GET", "/kb/_realm")), 400, null, "query");
        assertError(errorFor(getRealm("kb", "", null)), 400, null, "query");
        assertError(errorFor(getRealm("kb", "  ", null)), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":null}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":42}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":[\"a\",\"b\"]}")), 400, null, "query");

        // query length: the limit itself is accepted, one more character is not
        String atLimit = "magma ".repeat(200).substring(0, 1000);
        assertThat(passages(realmPost("kb", obj("query", atLimit, "k", 1))), hasSize(1));
        assertError(errorFor(realmRequest("kb", json(obj("query", atLimit + "x")))), 400, null, "query", "1000");
        assertError(errorFor(getRealm("kb", atLimit + "x", null)), 400, null, "query", "1000");

        // k out of range
        for (String k : List.of("0", "-1", "101", "100000")) {
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":" + k + "}")), 400, null, "k", k);
            assertError(errorFor(getRealm("kb", "magma", k)), 400, null, "k", k);
        }
        assertThat(passages(realmPost("kb", obj("query", "magma", "k", 100))), not(empty()));
        assertThat(passages(realmPost("kb", obj("query", "magma", "k", 1))), hasSize(1));

        // k not an integer
        for (String k : List.of("\"abc\"", "1.5", "{}", "[3]", "true", "null", "\"\"", "99999999999")) {
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":" + k + "}")), 400, null, "k");
        }
        for (String k : List.of("abc", "1.5", "", "3x")) {
            assertError(errorFor(getRealm("kb", "magma", k)), 400, null, "k");
        }

        // malformed bodies
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",")), 400, null);
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\"} trailing")), 400, null);
        assertError(errorFor(realmRequest("kb", "not json at all")), 400, null);
        assertError(errorFor(realmRequest("kb", "[\"magma\"]")), 400, null, "object");
        assertError(errorFor(realmRequest("kb", "\"magma\"")), 400, null, "object");
        assertError(errorFor(realmRequest("kb", "42")), 400, null, "object");
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"size\":3}")), 400, null, "size");
        assertError(errorFor(realmRequest("kb", "{\"q\":\"magma\"}")), 400, null, "q");
        // an unknown URL parameter is refused like anywhere else in OpenSearch
        Request unknownParam = getRealm("kb", "magma", "3");
        unknownParam.addParameter("size", "3");
        assertError(errorFor(unknownParam), 400, null, "size");
    }

    public void testLimitsAreDynamicClusterSettings() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        indexDoc("kb", "volcano", obj("text", Texts.VOLCANO));
        indexDoc("kb", "bread", obj("text", Texts.BREAD));
        try {
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 50))), not(empty()));

            putClusterSetting("persistent", "plugins.realm.search.max_k", 3);
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 3))), hasSize(3));
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":4}")), 400, null, "k", "3");
            assertError(errorFor(getRealm("kb", "magma", "4")), 400, null, "k", "3");
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\"}")), 400, null, "k"); // the default k of 5 is over too

            // raising it above the default works as well
            putClusterSetting("transient", "plugins.realm.search.max_k", 150);
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 150))), not(empty()));
            putClusterSetting("transient", "plugins.realm.search.max_k", null);
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 3))), hasSize(3)); // persistent 3 is back

            putClusterSetting("persistent", "plugins.realm.search.max_query_chars", 20);
            assertThat(passages(realmPost("kb", obj("query", "x".repeat(20), "k", 1))), hasSize(1));
            assertError(errorFor(realmRequest("kb", json(obj("query", "x".repeat(21), "k", 1)))), 400, null, "query", "20");

            // invalid values are refused by the settings API and change nothing
            assertError(errorFor(clusterSettingRequest("persistent", "plugins.realm.search.max_k", 0)), 400, null, "plugins.realm.search.max_k");
            assertError(errorFor(clusterSettingRequest("persistent", "plugins.realm.search.max_k", "lots")), 400, null, "plugins.realm.search.max_k");
            assertError(errorFor(clusterSettingRequest("persistent", "plugins.realm.search.max_query_chars", 0)), 400, null, "plugins.realm.search.max_query_chars");
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":4}")), 400, null, "k", "3");
        } finally {
            putClusterSetting("persistent", "plugins.realm.search.max_k", null);
            putClusterSetting("transient", "plugins.realm.search.max_k", null);
            putClusterSetting("persistent", "plugins.realm.search.max_query_chars", null);
        }
        // back to the defaults
        assertThat(passages(realmPost("kb", obj("query", "magma", "k", 100))), not(empty()));
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":101}")), 400, null, "k", "100");
        assertThat(passages(realmPost("kb", obj("query", "magma ".repeat(100), "k", 1))), hasSize(1));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // answers

    /** An index made with the defaults answers with the reader the plugin ships; {@code "reader": ""} only retrieves. */
    @SuppressWarnings("unchecked")
    public void testShippedReaderAnswersByDefault() throws IOException {
        createRealmIndex("shipped", ONE_SHARD);
        String eiffel = "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. "
            + "It was designed by the company of Gustave Eiffel and completed in 1889 for the World's Fair.";
        bulk(
            "shipped",
            List.of(
                Map.of("_id", "eiffel", "doc", obj("text", eiffel)),
                Map.of("_id", "tea", "doc", obj("text", "Tea is an aromatic beverage made by pouring hot water over cured leaves."))
            )
        );
        Map<String, Object> response = realmPost("shipped", obj("query", "When was the Eiffel Tower completed?", "k", 2));
        Map<String, Object> top = ((List<Map<String, Object>>) response.get("answers")).get(0);
        assertThat(top.get("text"), equalTo("1889"));
        Map<String, Object> where = ((List<Map<String, Object>>) top.get("passages")).get(0);
        assertThat(where.get("_id"), equalTo("eiffel"));
        assertThat(eiffel.substring((Integer) where.get("start"), (Integer) where.get("end")), equalTo("1889"));
        assertThat(response.get("no_answer"), equalTo(false));

        Map<String, Object> created = createRealmIndex("retrieval-only", "{\"reader\":\"\",\"settings\":{\"number_of_shards\":1}}");
        assertThat(created, not(hasKey("reader")));
        bulk("retrieval-only", List.of(Map.of("_id", "eiffel", "doc", obj("text", eiffel))));
        assertThat(realmPost("retrieval-only", obj("query", "When was the Eiffel Tower completed?")).keySet(), equalTo(Set.of("took", "timing", "passages")));
    }

    /** The tiny QA fixture whose logits are set per token (the "moon" span wins); integ-test/test.sh installs it. */
    private static final String READER = "tiny-qa-pick";

    /** Creates a one-shard index read by the fixture reader, or skips the test when the node does not have it. */
    private static Map<String, Object> createReadIndex(String name, String extraSettings) throws IOException {
        String body = "{\"reader\":\"" + READER + "\",\"passage_tokens\":24,\"overlap_tokens\":8,"
            + "\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0" + extraSettings + "}}";
        try {
            return createRealmIndex(name, body);
        } catch (ResponseException e) {
            assumeFalse(
                "the node has no reader [" + READER + "]: start it with integ-test/node.sh start --model src/test/resources/models/" + READER,
                e.getResponse().getStatusLine().getStatusCode() == 404 && e.getMessage().contains(READER)
            );
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    public void testAnswers() throws IOException {
        Map<String, Object> created = createReadIndex("qa", "");
        assertThat(created.get("reader"), equalTo(READER));
        assertThat(getIndexSettingsAsMap("qa").get("index.realm.reader"), equalTo(READER));
        String moon = "Tonight the moon is over the water.";
        String longText = "Bread is baked from a dough of flour and water, usually leavened with yeast, and baked in an oven. ".repeat(3)
            + "At night the moon shines over the sea.";
        bulk(
            "qa",
            List.of(
                Map.of("_id", "moon", "doc", obj("text", moon)),
                Map.of("_id", "dog", "doc", obj("text", "A dog sat on the mat in the house.")),
                Map.of("_id", "long", "doc", obj("text", longText))
            )
        );

        Map<String, Object> response = realmPost("qa", obj("query", "Where is the moon tonight?", "k", 10, "explain", true, "num_answers", 2));
        Map<String, Object> timing = (Map<String, Object>) response.get("timing");
        assertThat(timing.keySet(), equalTo(Set.of("encode", "search", "read")));
        assertThat(((Number) timing.get("read")).doubleValue(), greaterThan(0.0));
        List<Map<String, Object>> passages = passages(response);
        assertWellFormed("qa", passages);
        List<Map<String, Object>> answers = (List<Map<String, Object>>) response.get("answers");
        assertThat(answers.size(), lessThanOrEqualTo(2));
        Map<String, Object> top = answers.get(0);
        assertThat(top.keySet(), equalTo(Set.of("text", "probability", "passages")));
        assertThat(top.get("text"), equalTo("moon"));
        double probability = ((Number) top.get("probability")).doubleValue();
        assertTrue("probability " + probability, probability > 0 && probability <= 1);
        List<Map<String, Object>> where = (List<Map<String, Object>>) top.get("passages");
        assertThat(where.stream().map(w -> w.get("_id")).collect(Collectors.toSet()), equalTo(Set.of("moon", "long")));
        for (Map<String, Object> w : where) {
            assertThat(w.keySet(), equalTo(Set.of("_index", "_id", "passage", "start", "end")));
            String source = sourceText("qa", (String) w.get("_id"), "text");
            assertThat("answer offsets are in the source field: " + w, source.substring((Integer) w.get("start"), (Integer) w.get("end")), equalTo("moon"));
        }
        assertThat(response.get("no_answer"), equalTo(false));
        double noAnswer = ((Number) response.get("no_answer_probability")).doubleValue();
        assertTrue("no-answer probability " + noAnswer, noAnswer > 0 && noAnswer < 1);
        assertThat(response, not(hasKey("reader_error")));
        // explain: how each passage was read, and where
        List<Map<String, Object>> reading = (List<Map<String, Object>>) response.get("reading");
        assertThat(reading, hasSize(passages.size()));
        for (Map<String, Object> r : reading) {
            assertThat(r.keySet(), equalTo(Set.of("_index", "_id", "passage", "score", "passage_probability", "no_answer_probability", "spans")));
            String source = sourceText("qa", (String) r.get("_id"), "text");
            for (Map<String, Object> span : (List<Map<String, Object>>) r.get("spans")) {
                assertThat(source.substring((Integer) span.get("start"), (Integer) span.get("end")), equalTo(span.get("text")));
            }
        }
        Map<String, Object> reader = (Map<String, Object>) response.get("reader");
        assertThat(reader.get("model"), equalTo(READER));
        assertThat(reader.get("node"), instanceOf(String.class));
        assertThat(reader.get("attempts"), equalTo(1));

        // GET with the same parameters; the defaults: 3 answers at most, no explanation
        Request get = getRealm("qa", "Where is the moon tonight?", "10");
        get.addParameter("num_answers", "1");
        Map<String, Object> viaGet = entityAsMap(client().performRequest(get));
        assertThat((List<?>) viaGet.get("answers"), hasSize(1));
        assertThat(viaGet, not(hasKey("reading")));
        assertThat(viaGet, not(hasKey("reader")));
        Map<String, Object> defaults = realmPost("qa", obj("query", "Where is the moon tonight?", "k", 10));
        assertThat(((List<?>) defaults.get("answers")).size(), lessThanOrEqualTo(3));

        // read: false retrieves only: no answers key, no read time
        Map<String, Object> retrieval = realmPost("qa", obj("query", "Where is the moon tonight?", "read", false));
        assertThat(retrieval.keySet(), equalTo(Set.of("took", "timing", "passages")));
        assertThat(((Map<String, Object>) retrieval.get("timing")).keySet(), equalTo(Set.of("encode", "search")));
        Request getNoRead = getRealm("qa", "moon", null);
        getNoRead.addParameter("read", "false");
        assertThat(entityAsMap(client().performRequest(getNoRead)), not(hasKey("answers")));

        // the no-answer threshold is a dynamic index setting
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.no_answer_threshold", 0.0))));
        Map<String, Object> none = realmPost("qa", obj("query", "Where is the moon tonight?", "k", 10));
        assertThat(none.get("no_answer"), equalTo(true));
        assertThat((List<?>) none.get("answers"), empty());
        assertError(
            errorFor(request("PUT", "/qa/_settings", json(obj("index.realm.no_answer_threshold", 1.5)))),
            400,
            null,
            "index.realm.no_answer_threshold"
        );

        // a reader that cannot be used: the passages still come back, with reader_error
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.reader", "no-such-reader"))));
        Map<String, Object> broken = realmPost("qa", obj("query", "Where is the moon tonight?", "k", 10));
        assertThat(passages(broken), not(empty()));
        assertThat(broken, not(hasKey("answers")));
        Map<String, Object> error = (Map<String, Object>) broken.get("reader_error");
        assertThat(error.keySet(), equalTo(Set.of("type", "reason", "status", "nodes")));
        assertThat(error.get("status"), equalTo(404));
        assertThat((String) error.get("reason"), containsString("no-such-reader"));
        assertThat((List<?>) error.get("nodes"), hasSize(1));

        // no reader: retrieval only; asking to read is an error
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.reader", ""))));
        assertThat(realmPost("qa", obj("query", "moon")), not(hasKey("answers")));
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"read\":true}")), 400, "illegal_argument_exception", "index.realm.reader");

        // the reading cluster settings are dynamic; a single node reads on itself with either fallback
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.reader", READER, "index.realm.no_answer_threshold", null))));
        try {
            putClusterSetting("transient", "plugins.realm.read.fallback", "data_node");
            putClusterSetting("transient", "plugins.realm.read.node_selection", "round_robin");
            putClusterSetting("transient", "plugins.realm.read.timeout", "30s");
            assertThat(((List<Map<String, Object>>) realmPost("qa", obj("query", "moon")).get("answers")).get(0).get("text"), equalTo("moon"));
            assertError(errorFor(clusterSettingRequest("transient", "plugins.realm.read.fallback", "anywhere")), 400, null, "plugins.realm.read.fallback");
            assertError(errorFor(clusterSettingRequest("transient", "plugins.realm.read.node_selection", "random")), 400, null, "plugins.realm.read.node_selection");
        } finally {
            putClusterSetting("transient", "plugins.realm.read.fallback", null);
            putClusterSetting("transient", "plugins.realm.read.node_selection", null);
            putClusterSetting("transient", "plugins.realm.read.timeout", null);
        }
    }

    public void testAnswerErrors() throws IOException {
        createReadIndex("qa", "");
        indexDoc("qa", "moon", obj("text", "Tonight the moon is over the water."));
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"num_answers\":0}")), 400, null, "num_answers");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"num_answers\":21}")), 400, null, "num_answers");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"num_answers\":\"3\"}")), 400, null, "num_answers");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"explain\":\"yes\"}")), 400, null, "explain");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"read\":1}")), 400, null, "read");
        Request badParam = getRealm("qa", "moon", null);
        badParam.addParameter("read", "maybe");
        assertError(errorFor(badParam), 400, null);

        // the reader is checked when the index is created
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r1", "{\"reader\":\"all-minilm-l6-v2\"}")), 400, null, "all-minilm-l6-v2");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r2", "{\"reader\":\"no-such-reader\"}")), 404, null, "no-such-reader");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r3", "{\"reader\":3}")), 400, null, "reader");
        assertError(
            errorFor(request("PUT", "/_plugins/_realm/indices/r4", "{\"settings\":{\"index.realm.reader\":\"" + READER + "\"}}")),
            400,
            null,
            "reader"
        );
        // an encoder cannot read, a reader cannot embed
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r5", "{\"model\":\"" + READER + "\"}")), 400, null, READER);
        for (String index : List.of("r1", "r2", "r3", "r4", "r5")) {
            assertThat(index, client().performRequest(new Request("HEAD", "/" + index)).getStatusLine().getStatusCode(), equalTo(404));
        }

        // indices with different readers are asked separately
        createRealmIndex("plain-kb", ONE_SHARD);
        indexDoc("plain-kb", "moon", obj("text", "Tonight the moon is over the water."));
        assertError(errorFor(realmRequest("qa,plain-kb", "{\"query\":\"moon\"}")), 400, null, "different readers");
        assertThat(realmPost("qa,plain-kb", obj("query", "moon", "read", false)), not(hasKey("answers")));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers specific to these tests

    private static Request realmRequest(String index, String body) {
        return request("POST", "/" + index + "/_realm", body);
    }

    private static Request getRealm(String index, String q, String k) {
        Request r = new Request("GET", "/" + index + "/_realm");
        if (q != null) {
            r.addParameter("q", q);
        }
        if (k != null) {
            r.addParameter("k", k);
        }
        return r;
    }

    private static Request clusterSettingRequest(String scope, String key, Object value) throws IOException {
        return request("PUT", "/_cluster/settings", json(obj(scope, obj(key, value))));
    }

    /** Identity of each passage in order: index, id and passage number. */
    private static List<String> keys(List<Map<String, Object>> passages) {
        return passages.stream().map(p -> p.get("_index") + "/" + p.get("_id") + "#" + p.get("passage")).toList();
    }
}
