/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;
import org.opensearch.client.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

/**
 * REALM inside {@code _search} on a real node with the shipped models: the {@code realm} query (alone, in a
 * {@code bool}, paged, with aggregations, explain and profile, and its errors), the {@code realm_answers} and
 * {@code realm_query} search processors, an index's default search pipeline, and the Dashboards contract: the exact
 * request shapes Discover and the search-comparison tool send (see {@link RealmRestSupport} for how to run).
 */
public class RealmSearchQueryRestIT extends RealmRestSupport {

    static final Map<String, String> DOCS = Map.of(
        "telephone",
        "Alexander Graham Bell, a teacher of the deaf born in Edinburgh, received his patent for the telephone on 7 March 1876. "
            + "Three days later he spoke the first sentence over it to his assistant Thomas Watson.",
        "penicillin",
        "In September 1928 the Scottish bacteriologist Alexander Fleming noticed that a mould had killed the bacteria around it. "
            + "He called the substance penicillin.",
        "etna",
        "Mount Etna is an active stratovolcano on the east coast of Sicily, Italy, and one of the tallest active volcanoes in Europe.",
        "tea",
        "Tea is an aromatic beverage made by pouring hot or boiling water over cured or fresh leaves of the tea plant."
    );

    static final String[] QUESTIONS = { "When did Bell receive his patent for the telephone?", "Who discovered penicillin?" };

    private static void indexDocs(String index) throws IOException {
        List<Map<String, Object>> items = new ArrayList<>();
        DOCS.forEach((id, text) -> items.add(Map.of("_id", id, "doc", obj("text", text, "title", id))));
        bulk(index, items);
    }

    private static Map<String, Object> search(String index, String params, Map<String, Object> body) throws IOException {
        Response response = client().performRequest(request("POST", "/" + index + "/_search" + params, json(body)));
        assertEquals(200, response.getStatusLine().getStatusCode());
        return entityAsMap(response);
    }

    private static void putAnswersPipeline(String id) throws IOException {
        client().performRequest(request("PUT", "/_search/pipeline/" + id, "{\"response_processors\":[{\"realm_answers\":{}}]}"));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> innerPassages(Map<String, Object> hit) {
        Map<String, Object> inner = (Map<String, Object>) ((Map<String, Object>) hit.get("inner_hits")).get("realm_passages");
        return (List<Map<String, Object>>) ((Map<String, Object>) inner.get("hits")).get("hits");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ext(Map<String, Object> response) {
        return (Map<String, Object>) ((Map<String, Object>) response.get("ext")).get("realm");
    }

    /** The passages and answers of {@code _search} with {@code realm} and {@code realm_answers} are {@code _realm}'s. */
    @SuppressWarnings("unchecked")
    public void testSameAsRealm() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        indexDocs("kb");
        putAnswersPipeline("realm-answers");
        for (String question : QUESTIONS) {
            Map<String, Object> realm = realmPost("kb", obj("query", question, "k", 3));
            Map<String, Object> searched = search(
                "kb",
                "?search_pipeline=realm-answers",
                obj("query", obj("realm", obj("query", question, "k", 3)), "_source", List.of("title"))
            );
            List<Map<String, Object>> expected = passages(realm);
            List<Map<String, Object>> found = new ArrayList<>();
            for (Map<String, Object> hit : hits(searched)) {
                for (Map<String, Object> passage : innerPassages(hit)) {
                    Map<String, Object> source = (Map<String, Object>) passage.get("_source");
                    found.add(obj("_id", hit.get("_id"), "passage", source.get("num"), "score", ((Number) passage.get("_score")).doubleValue() - 1));
                }
            }
            found.sort((a, b) -> Double.compare((Double) b.get("score"), (Double) a.get("score")));
            assertThat(question, found.size(), equalTo(expected.size()));
            for (int i = 0; i < expected.size(); i++) {
                assertThat(found.get(i).get("_id"), equalTo(expected.get(i).get("_id")));
                assertThat(found.get(i).get("passage"), equalTo(expected.get(i).get("passage")));
                assertThat((Double) found.get(i).get("score"), closeTo(((Number) expected.get(i).get("score")).doubleValue(), 1e-5));
            }
            Map<String, Object> answers = ext(searched);
            assertThat(answers.get("question"), equalTo(question));
            assertThat(answers.get("answers"), equalTo(realm.get("answers")));
            assertThat(answers.get("no_answer"), equalTo(realm.get("no_answer")));
            assertThat(((Map<String, Object>) answers.get("timing")), hasKey("read"));
        }
    }

    /** Inside bool (with a filter), paged, with aggregations, explain and profile. */
    @SuppressWarnings("unchecked")
    public void testInBoolPagedWithAggregations() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        indexDocs("kb");
        Map<String, Object> realm = obj("realm", obj("query", "Who discovered penicillin?", "k", 4));
        Map<String, Object> all = search("kb", "", obj("query", realm, "size", 10));
        assertThat(hits(all).size(), equalTo(4));
        assertThat(hits(all).get(0).get("_id"), equalTo("penicillin"));

        Map<String, Object> page = search("kb", "", obj("query", realm, "size", 2, "from", 1));
        assertThat(hits(page).size(), equalTo(2));
        assertThat(hits(page).get(0).get("_id"), equalTo(hits(all).get(1).get("_id")));

        Map<String, Object> filtered = search(
            "kb",
            "",
            obj("query", obj("bool", obj("must", List.of(realm), "filter", List.of(obj("terms", obj("title.keyword", List.of("tea", "etna")))))),
            "aggs", obj("titles", obj("terms", obj("field", "title.keyword"))), "explain", true, "profile", true)
        );
        List<String> ids = hits(filtered).stream().map(h -> (String) h.get("_id")).sorted().toList();
        assertThat(ids, equalTo(List.of("etna", "tea")));
        assertThat(hits(filtered).get(0), hasKey("_explanation"));
        assertThat(filtered, hasKey("profile"));
        Map<String, Object> titles = (Map<String, Object>) ((Map<String, Object>) filtered.get("aggregations")).get("titles");
        assertThat(((List<?>) titles.get("buckets")).size(), equalTo(2));

        Map<String, Object> boosted = search(
            "kb",
            "",
            obj("query", obj("bool", obj("must", List.of(realm), "should", List.of(obj("match", obj("text", "volcano"))))), "size", 4)
        );
        assertThat(hits(boosted).size(), equalTo(4)); // should-clauses add to the retrieved documents' scores
    }

    public void testErrors() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        indexDocs("kb");
        client().performRequest(request("PUT", "/plain", ONE_SHARD));
        Map<String, Object> realm = obj("realm", obj("query", "Who?"));
        assertError(errorFor(request("POST", "/plain/_search", json(obj("query", realm)))), 400, null, "plain", "is not a REALM index");
        assertError(
            errorFor(request("POST", "/kb/_search", json(obj("query", obj("bool", obj("must_not", List.of(realm))))))),
            400,
            null,
            "must_not"
        );
        assertError(errorFor(request("POST", "/kb/_search", json(obj("query", obj("realm", obj("query", " ")))))), 400, null, "query");
        assertError(errorFor(request("POST", "/kb/_search", json(obj("query", obj("realm", obj("query", "Who?", "k", 0)))))), 400, null, "k");
        assertError(errorFor(request("POST", "/kb/_search", json(obj("query", obj("realm", obj("query", "Who?", "k", 100000)))))), 400, null, "k");
        assertError(errorFor(request("POST", "/kb/_search", json(obj("query", obj("realm", obj("query", "Who?", "retrieval", "x")))))), 400, null, "retrieval");
        assertError(errorFor(request("POST", "/kb/_search", json(obj("query", obj("realm_retrieved", obj()))))), 400, null, "realm_retrieved");
        createRealmIndex("bge", "{\"model\":\"bge-small-en-v15\",\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        assertError(errorFor(request("POST", "/kb,bge/_search", json(obj("query", realm)))), 400, null, "different models");
        assertError(
            errorFor(request("POST", "/kb/_search", json(obj("query", realm, "ext", obj("realm", obj("num_answers", 0)))))),
            400,
            null,
            "ext.realm.num_answers"
        );
    }

    /**
     * The Dashboards contract: an index made with {@code "search_pipeline": true} answers Discover's request as Discover
     * sends it (the query bar as a query_string in bool.must, the time filter in bool.filter, its highlight block), with
     * documents ranked by REALM retrieval and the answer tagged in the field's whole text.
     */
    @SuppressWarnings("unchecked")
    public void testDiscoverRequest() throws IOException {
        Map<String, Object> created = createRealmIndex(
            "kb",
            "{\"search_pipeline\":true,\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}"
        );
        assertThat(created.get("search_pipeline"), equalTo("realm-kb-search"));
        indexDocs("kb");
        String question = QUESTIONS[0];
        Map<String, Object> realm = realmPost("kb", obj("query", question));
        String best = (String) ((List<Map<String, Object>>) realm.get("answers")).get(0).get("text");
        // Discover's request body, as OpenSearch Dashboards 3.x sends it for a query typed in the Lucene query bar
        String discover = "{\"sort\":[{\"_score\":{\"order\":\"desc\"}}],\"size\":500,\"version\":true,\"aggs\":{},"
            + "\"stored_fields\":[\"*\"],\"script_fields\":{},\"docvalue_fields\":[],\"_source\":{\"excludes\":[]},"
            + "\"query\":{\"bool\":{\"must\":[{\"query_string\":{\"query\":\"" + question + "\",\"analyze_wildcard\":true,"
            + "\"time_zone\":\"UTC\"}}],\"filter\":[{\"match_all\":{}}],\"should\":[],\"must_not\":[]}},"
            + "\"highlight\":{\"pre_tags\":[\"@opensearch-dashboards-highlighted-field@\"],"
            + "\"post_tags\":[\"@/opensearch-dashboards-highlighted-field@\"],\"fields\":{\"*\":{}},\"fragment_size\":2147483647},"
            + "\"track_total_hits\":true}";
        Map<String, Object> response = entityAsMap(client().performRequest(request("POST", "/kb/_search", discover)));
        List<Map<String, Object>> hits = hits(response);
        assertThat(hits.get(0).get("_id"), equalTo("telephone"));
        assertThat(innerPassages(hits.get(0)).size(), greaterThan(0));
        List<String> fragments = (List<String>) ((Map<String, Object>) hits.get(0).get("highlight")).get("text");
        String fragment = fragments.get(0);
        assertThat(fragment.replace("@opensearch-dashboards-highlighted-field@", "").replace("@/opensearch-dashboards-highlighted-field@", ""), equalTo(DOCS.get("telephone")));
        assertThat(fragment, containsString("@opensearch-dashboards-highlighted-field@" + best + "@/opensearch-dashboards-highlighted-field@"));
        assertThat(ext(response).get("answers"), equalTo(realm.get("answers")));

        // an empty query bar: Discover sends "*", which is no question: the documents as a plain search finds them
        Map<String, Object> browse = entityAsMap(client().performRequest(request("POST", "/kb/_search", discover.replace(question, "*"))));
        assertThat(hits(browse).size(), equalTo(DOCS.size()));
        assertThat(browse, not(hasKey("ext")));
    }

    /**
     * The search-comparison tool: any DSL with a {@code search_pipeline} parameter; the question from a match query,
     * or from {@code ext.realm.question} over hits without passages; the request's own highlight tags.
     */
    @SuppressWarnings("unchecked")
    public void testQuestionSourcesAndTags() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        indexDocs("kb");
        client().performRequest(
            request("PUT", "/_search/pipeline/realm-both", "{\"request_processors\":[{\"realm_query\":{\"k\":2}}],\"response_processors\":[{\"realm_answers\":{}}]}")
        );
        putAnswersPipeline("realm-answers");
        String question = QUESTIONS[1];
        Map<String, Object> realm = realmPost("kb", obj("query", question, "k", 2));
        Object expected = realm.get("answers");

        Map<String, Object> viaMatch = search(
            "kb",
            "?search_pipeline=realm-both",
            obj("query", obj("match", obj("text", question)), "highlight", obj("pre_tags", List.of("<b>"), "post_tags", List.of("</b>"), "fields", obj("text", obj())))
        );
        assertThat(ext(viaMatch).get("answers"), equalTo(expected));
        String fragment = ((List<String>) ((Map<String, Object>) hits(viaMatch).get(0).get("highlight")).get("text")).get(0);
        assertThat(fragment, containsString("<b>Alexander Fleming</b>"));
        assertThat(DOCS.get("penicillin"), containsString(fragment.replace("<b>", "").replace("</b>", "")));

        // a plain BM25 search whose hits carry no passages: the best passages among the hits' documents are read
        Map<String, Object> viaExt = search(
            "kb",
            "?search_pipeline=realm-answers",
            obj("query", obj("match", obj("title", "penicillin")), "ext", obj("realm", obj("question", question, "num_answers", 1)))
        );
        List<Map<String, Object>> answers = (List<Map<String, Object>>) ext(viaExt).get("answers");
        assertThat(answers.size(), equalTo(1));
        assertThat(answers.get(0).get("text"), equalTo("Alexander Fleming"));
        String tagged = ((List<String>) ((Map<String, Object>) hits(viaExt).get(0).get("highlight")).get("text")).get(0);
        assertThat(tagged, containsString("<em>Alexander Fleming</em>")); // OpenSearch's default tags when none are asked

        // no question at all: the response passes through
        Map<String, Object> none = search("kb", "?search_pipeline=realm-answers", obj("query", obj("match_all", obj())));
        assertThat(none, not(hasKey("ext")));
    }

    /** Internal searches of the plugin run no search pipeline, so a default pipeline of REALM's own does not recurse. */
    public void testDefaultPipelineDoesNotReachRealm() throws IOException {
        createRealmIndex("kb", "{\"search_pipeline\":true,\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        indexDocs("kb");
        Map<String, Object> realm = realmPost("kb", obj("query", QUESTIONS[0], "k", 2));
        assertThat(passages(realm).size(), equalTo(2));
        Request get = new Request("GET", "/_search/pipeline/realm-kb-search");
        assertThat(entityAsMap(client().performRequest(get)), hasKey("realm-kb-search"));
    }
}
