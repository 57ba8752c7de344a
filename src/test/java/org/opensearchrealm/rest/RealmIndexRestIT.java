/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * {@code PUT /_plugins/_realm/indices/{index}} against a real node: what a REALM index is made of (pipeline, settings,
 * mapping), over another source field, and the requests it refuses, leaving nothing behind. How to run these REST
 * tests: see {@link RealmRestSupport}.
 */
public class RealmIndexRestIT extends RealmRestSupport {

    public void testCreateIndexWithDefaults() throws IOException {
        Map<String, Object> created = createRealmIndex("demo", null);
        assertThat(created.get("acknowledged"), equalTo(true));
        assertThat(created.get("index"), equalTo("demo"));
        assertThat(created.get("pipeline"), equalTo("realm-demo"));
        assertThat(created.get("model"), equalTo("all-minilm-l6-v2"));
        assertThat(created.get("dimension"), equalTo(384));
        assertThat(created.get("reader"), equalTo("realm-reader-bge-small-int8")); // the reader the plugin ships

        Map<String, Object> settings = getIndexSettingsAsMap("demo");
        assertThat(settings.get("index.default_pipeline"), equalTo("realm-demo"));
        assertThat(settings.get("index.realm.reader"), equalTo("realm-reader-bge-small-int8"));

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
        // the passage vectors are indexed, not kept in _source: a document reads back as written, plus its passages' text
        @SuppressWarnings("unchecked")
        Map<String, Object> sourceMapping = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) mapping.get("demo")).get(
            "mappings"
        )).get("_source");
        assertThat(sourceMapping.get("excludes"), equalTo(List.of("realm_passages.vector")));
        indexDoc("demo", "moon", Map.of("text", "The moon is over the water tonight."));
        Map<String, Object> doc = entityAsMap(client().performRequest(new Request("GET", "/demo/_doc/moon")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> passages = (List<Map<String, Object>>) ((Map<String, Object>) doc.get("_source")).get("realm_passages");
        assertThat(passages, hasSize(1));
        assertThat(passages.get(0).get("text"), equalTo("The moon is over the water tonight."));
        assertThat(passages.get(0), not(hasKey("vector")));
        // and k-NN still finds the passage by its vector
        List<Map<String, Object>> found = passages(realmPost("demo", obj("query", "Where is the moon?", "read", false, "retrieval", "dense")));
        assertThat(found, hasSize(1));
        assertThat(found.get(0).get("_id"), equalTo("moon"));

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
}
