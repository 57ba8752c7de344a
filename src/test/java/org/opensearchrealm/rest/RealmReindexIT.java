/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;

import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * {@code _reindex}, {@code _update_by_query} and {@code _delete_by_query} (the reindex module) on REALM indices, against
 * a real node (see {@link RealmRestIT} for how to run). They write through bulk index requests, so the index's ingest
 * pipeline must cut and embed every document they write: the passages always follow the document's current text, and
 * none is lost, copied from elsewhere or left over. Each test counts documents and passages (nested documents) and
 * reads all passages back through {@code _realm}. The node must allow reindexing from itself as a remote cluster:
 * {@code integ-test/node.sh start ... --setting reindex.remote.allowlist=127.0.0.1:PORT}.
 */
public class RealmReindexIT extends RealmRestSupport {

    private static final String PLAIN_ONE_SHARD = "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}";
    /** Retrieval only, passages short enough that the longer texts are cut into several. */
    private static final String SMALL_PASSAGES =
        "{\"reader\":\"\",\"passage_tokens\":48,\"overlap_tokens\":8,\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0}}";
    /** Retrieval only, passages as long as MiniLM allows and no overlap: each text here is one or two passages. */
    private static final String WIDE_PASSAGES =
        "{\"reader\":\"\",\"passage_tokens\":254,\"overlap_tokens\":0,\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}";

    private static final Map<String, String> TEXTS = texts(
        "volcano", Texts.VOLCANO,
        "bread", Texts.BREAD,
        "chess", Texts.CHESS,
        "whales", Texts.WHALES,
        "dessert", Texts.DESSERT,
        "cafe", Texts.CAFE
    );

    public void testReindexFromPlainIndexEmbedsEveryDocument() throws IOException {
        client().performRequest(request("PUT", "/plain", PLAIN_ONE_SHARD));
        bulk("plain", items(TEXTS));

        createRealmIndex("kb", SMALL_PASSAGES);
        Map<String, Object> reindexed = post("/_reindex", obj("source", obj("index", "plain"), "dest", obj("index", "kb")));
        assertThat(reindexed.toString(), reindexed.get("created"), equalTo(TEXTS.size()));
        assertThat(reindexed.toString(), (List<?>) reindexed.get("failures"), empty());

        assertPassagesFollowTexts("kb", TEXTS, true);
        assertThat(topId("kb", "What do humpback whales eat in summer?"), equalTo("whales"));
        assertThat(topId("kb", "How does a baker keep a sourdough starter active?"), equalTo("bread"));
    }

    /**
     * From a remote cluster (this node itself, over HTTP): the module's REST client and its jars work, and the
     * documents are embedded all the same. The node needs {@code reindex.remote.allowlist} to name itself (test.sh).
     */
    public void testReindexFromRemoteEmbedsEveryDocument() throws IOException {
        client().performRequest(request("PUT", "/plain", PLAIN_ONE_SHARD));
        bulk("plain", items(TEXTS));
        createRealmIndex("kb", SMALL_PASSAGES);
        Map<String, Object> remote = obj("host", getClusterHosts().get(0).toURI());
        Map<String, Object> reindexed = post("/_reindex", obj("source", obj("remote", remote, "index", "plain"), "dest", obj("index", "kb")));
        assertThat(reindexed.toString(), reindexed.get("created"), equalTo(TEXTS.size()));

        assertPassagesFollowTexts("kb", TEXTS, true);
        assertThat(topId("kb", "What do humpback whales eat in summer?"), equalTo("whales"));
    }

    /** The destination's pipeline cuts the passages anew, with its own settings: none is copied from the source index. */
    public void testReindexBetweenRealmIndicesCutsPassagesAnew() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        bulk("kb", items(TEXTS));
        createRealmIndex("kb-wide", WIDE_PASSAGES);
        Map<String, Object> reindexed = post("/_reindex", obj("source", obj("index", "kb"), "dest", obj("index", "kb-wide")));
        assertThat(reindexed.toString(), reindexed.get("created"), equalTo(TEXTS.size()));

        Map<String, List<Map<String, Object>>> small = assertPassagesFollowTexts("kb", TEXTS, true);
        Map<String, List<Map<String, Object>>> wide = assertPassagesFollowTexts("kb-wide", TEXTS, false);
        // the long volcano text is one or two wide passages, many small ones
        assertThat(wide.get("volcano").size(), lessThan(small.get("volcano").size()));
        assertThat(wide.get("volcano").size(), lessThan(3));
    }

    public void testUpdateByQueryReembedsTheNewText() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        Map<String, String> texts = texts("volcano", Texts.VOLCANO, "bread", Texts.BREAD, "chess", Texts.CHESS);
        bulk("kb", items(texts));
        Set<String> oldVolcanoPassages = assertPassagesFollowTexts("kb", texts, true).get("volcano")
            .stream()
            .map(p -> (String) p.get("text"))
            .collect(Collectors.toSet());

        // one document gets another text
        Map<String, Object> replaced = post(
            "/kb/_update_by_query",
            obj("query", obj("ids", obj("values", List.of("volcano"))), "script", script("ctx._source.text = params.text", Texts.WHALES))
        );
        assertThat(replaced.toString(), replaced.get("updated"), equalTo(1));
        // every document gets a sentence more
        Map<String, Object> appended = post(
            "/kb/_update_by_query",
            obj("script", script("ctx._source.text = ctx._source.text + ' ' + params.text", Texts.KNITTING))
        );
        assertThat(appended.toString(), appended.get("updated"), equalTo(texts.size()));
        assertThat(appended.toString(), (List<?>) appended.get("failures"), empty());

        Map<String, String> updated = new LinkedHashMap<>();
        texts.forEach((id, text) -> updated.put(id, text + " " + Texts.KNITTING));
        updated.put("volcano", Texts.WHALES + " " + Texts.KNITTING);
        Map<String, List<Map<String, Object>>> passages = assertPassagesFollowTexts("kb", updated, true);
        for (Map<String, Object> p : passages.get("volcano")) {
            assertThat("a passage of the old text is left: " + p, oldVolcanoPassages, not(hasItem((String) p.get("text"))));
        }
        assertThat(topId("kb", "Why do humpback whales sing?"), equalTo("volcano"));

        // the vectors are those of the new text: a document indexed afresh with the same text scores the same
        indexDoc("kb", "reference", obj("text", updated.get("volcano")));
        updated.put("reference", updated.get("volcano"));
        Map<String, List<Map<String, Object>>> scored = assertPassagesFollowTexts("kb", updated, true);
        List<Map<String, Object>> reference = scored.get("reference");
        List<Map<String, Object>> volcano = scored.get("volcano");
        assertThat(volcano.size(), equalTo(reference.size()));
        for (int i = 0; i < volcano.size(); i++) {
            assertThat(volcano.get(i).get("text"), equalTo(reference.get(i).get("text")));
            assertThat(
                "score of " + volcano.get(i) + " vs " + reference.get(i),
                ((Number) volcano.get(i).get("score")).doubleValue(),
                closeTo(((Number) reference.get(i).get("score")).doubleValue(), 1e-3)
            );
        }
    }

    public void testDeleteByQueryRemovesDocumentsAndTheirPassages() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        bulk("kb", items(TEXTS));
        Map<String, List<Map<String, Object>>> before = assertPassagesFollowTexts("kb", TEXTS, true);

        Map<String, Object> deleted = post("/kb/_delete_by_query", obj("query", obj("match", obj("text", "sourdough grandmasters"))));
        assertThat(deleted.toString(), deleted.get("deleted"), equalTo(2));
        assertThat(deleted.toString(), (List<?>) deleted.get("failures"), empty());

        Map<String, String> left = new LinkedHashMap<>(TEXTS);
        left.remove("bread");
        left.remove("chess");
        assertPassagesFollowTexts("kb", left, true);
        ResponseException gone = errorFor(new Request("GET", "/kb/_doc/bread"));
        assertEquals(404, gone.getResponse().getStatusLine().getStatusCode());

        // indexed again, the document has its passages once: nothing of the deleted one is left to double them
        bulk("kb", items(texts("bread", Texts.BREAD)));
        left.put("bread", Texts.BREAD);
        assertThat(assertPassagesFollowTexts("kb", left, true).get("bread").size(), equalTo(before.get("bread").size()));
        assertThat(topId("kb", "How does a baker keep a sourdough starter active?"), equalTo("bread"));
    }

    /**
     * The index holds exactly these documents, and its passages are exactly theirs: every passage (all of them, through
     * {@code _realm}) is a slice of its document's current text, each document's passages cover that text, and the
     * nested documents counted in the index are as many as the passages {@code _realm} finds. Returns each document's
     * passages in passage order; {@code overlapping}: the index cuts passages with overlap_tokens > 0.
     */
    private static Map<String, List<Map<String, Object>>> assertPassagesFollowTexts(String index, Map<String, String> texts, boolean overlapping)
        throws IOException {
        assertThat(documentCount(index), equalTo((long) texts.size()));
        List<Map<String, Object>> all = allPassagesOf(index, "anything at all", 100);
        assertWellFormed(index, all);
        Map<String, List<Map<String, Object>>> byDoc = all.stream()
            .sorted(Comparator.comparingInt(p -> (Integer) p.get("passage")))
            .collect(Collectors.groupingBy(p -> (String) p.get("_id")));
        assertThat("documents with passages", byDoc.keySet(), equalTo(texts.keySet()));
        for (Map.Entry<String, String> doc : texts.entrySet()) {
            assertThat("source of " + doc.getKey(), sourceText(index, doc.getKey(), "text"), equalTo(doc.getValue()));
            assertCovers(doc.getValue(), byDoc.get(doc.getKey()), overlapping);
        }
        assertThat("nested passage documents of " + index, passageCount(index), equalTo((long) all.size()));
        return byDoc;
    }

    // --- requests -----------------------------------------------------------------------------------------------------

    /** POST with refresh=true; the answer must be 200. */
    private static Map<String, Object> post(String endpoint, Map<String, Object> body) throws IOException {
        Request request = request("POST", endpoint, json(body));
        request.addParameter("refresh", "true");
        Response response = client().performRequest(request);
        assertEquals(200, response.getStatusLine().getStatusCode());
        return entityAsMap(response);
    }

    private static Map<String, Object> script(String source, String text) {
        return obj("lang", "painless", "source", source, "params", obj("text", text));
    }

    private static long documentCount(String index) throws IOException {
        return ((Number) entityAsMap(client().performRequest(new Request("GET", "/" + index + "/_count"))).get("count")).longValue();
    }

    /** Nested passage documents in the index (live ones: deleted and replaced documents take theirs with them). */
    @SuppressWarnings("unchecked")
    private static long passageCount(String index) throws IOException {
        String body = json(obj("size", 0, "aggs", obj("passages", obj("nested", obj("path", "realm_passages")))));
        Map<String, Object> response = entityAsMap(client().performRequest(request("POST", "/" + index + "/_search", body)));
        Map<String, Object> passages = (Map<String, Object>) ((Map<String, Object>) response.get("aggregations")).get("passages");
        return ((Number) passages.get("doc_count")).longValue();
    }

    private static String topId(String index, String question) throws IOException {
        List<Map<String, Object>> top = passages(realmPost(index, obj("query", question, "k", 3)));
        assertThat("passages for [" + question + "]", top.size(), greaterThan(0));
        return (String) top.get(0).get("_id");
    }

    private static List<Map<String, Object>> items(Map<String, String> texts) {
        return texts.entrySet().stream().map(e -> Map.<String, Object>of("_id", e.getKey(), "doc", obj("text", e.getValue()))).toList();
    }

    private static Map<String, String> texts(String... idsAndTexts) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < idsAndTexts.length; i += 2) {
            texts.put(idsAndTexts[i], idsAndTexts[i + 1]);
        }
        return texts;
    }
}
