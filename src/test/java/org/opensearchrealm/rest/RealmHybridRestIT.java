/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * Retrieval modes of {@code _realm} against a real node: BM25 alone, dense alone and hybrid (both fused), from the
 * request ({@code "retrieval"} in the body or the URL) or the index's {@code index.realm.retrieval}; passages keep
 * their exact offsets and the filter holds in every mode.
 */
public class RealmHybridRestIT extends RealmRestSupport {

    /** A made-up word that only the whales document holds: BM25 finds it at once, an encoder knows nothing of it. */
    private static final String RARE = "Qorvathine";

    private void index() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        bulk(
            "kb",
            List.of(
                Map.of("_id", "volcano", "doc", obj("title", "Volcanoes", "text", Texts.VOLCANO)),
                Map.of("_id", "bread", "doc", obj("title", "Sourdough", "text", Texts.BREAD)),
                Map.of("_id", "chess", "doc", obj("title", "Chess openings", "text", Texts.CHESS)),
                Map.of("_id", "whales", "doc", obj("title", "Humpback whales", "text", Texts.WHALES + " The " + RARE + " call is rare."))
            )
        );
    }

    public void testModesFromTheRequest() throws IOException {
        index();
        Map<String, Object> bm25 = realmPost("kb", obj("query", RARE, "k", 3, "retrieval", "bm25", "read", false));
        List<Map<String, Object>> found = passages(bm25);
        assertEquals("BM25 finds only the passages that hold the word", List.of("whales"), List.copyOf(idsOf(found)));
        assertThat(found.get(0).get("text").toString(), containsString(RARE));
        assertEquals("BM25 scores are normalised: the best is 1", 1.0, ((Number) found.get(0).get("score")).doubleValue(), 1e-6);
        assertWellFormed("kb", found);

        String question = "Why do humpback whales sing " + RARE + "?";
        for (String mode : List.of("dense", "bm25", "hybrid")) {
            List<Map<String, Object>> top = passages(realmPost("kb", obj("query", question, "k", 4, "retrieval", mode, "read", false)));
            assertThat(mode, top.size(), greaterThan(0));
            assertThat(mode, top.size(), lessThanOrEqualTo(4));
            assertEquals(mode + ": the whales document first", "whales", top.get(0).get("_id"));
            assertWellFormed("kb", top);
            double previous = Double.MAX_VALUE;
            for (Map<String, Object> p : top) {
                double score = ((Number) p.get("score")).doubleValue();
                assertThat(mode + ": best first", score, lessThanOrEqualTo(previous));
                previous = score;
            }
        }
        List<Map<String, Object>> hybrid = passages(realmPost("kb", obj("query", RARE, "k", 10, "retrieval", "hybrid", "read", false)));
        assertEquals("hybrid: the lexical match first", "whales", hybrid.get(0).get("_id"));
        assertThat("hybrid: dense neighbours beyond the lexical matches", idsOf(hybrid).size(), greaterThan(1));
        assertWellFormed("kb", hybrid);

        // the URL parameter, over the body's field
        Request viaUrl = request("POST", "/kb/_realm", json(obj("query", RARE, "k", 3, "retrieval", "dense", "read", false)));
        viaUrl.addParameter("retrieval", "bm25");
        assertEquals(List.of("whales"), List.copyOf(idsOf(passages(entityAsMap(client().performRequest(viaUrl))))));
        Request badUrl = getRealm("kb", RARE, "3");
        badUrl.addParameter("retrieval", "lexical");
        assertError(errorFor(badUrl), 400, null, "[retrieval] must be [dense], [bm25] or [hybrid], got [lexical]");

        assertError(errorFor(realmRequest("kb", json(obj("query", "x", "retrieval", "sparse")))), 400, null, "[retrieval] must be [dense], [bm25] or [hybrid], got [sparse]");
        assertError(errorFor(realmRequest("kb", json(obj("query", "x", "retrieval", 3)))), 400, null, "[retrieval]");
    }

    public void testModeFromTheIndexAndFilters() throws IOException {
        index();
        client().performRequest(request("PUT", "/kb/_settings", json(obj("index.realm.retrieval", "bm25"))));
        assertEquals("the index's mode", List.of("whales"), List.copyOf(idsOf(passages(realmPost("kb", obj("query", RARE, "k", 3, "read", false))))));
        assertEquals(
            "the filter holds for BM25",
            List.of(),
            passages(realmPost("kb", obj("query", RARE, "k", 3, "read", false, "filter", obj("term", obj("_id", "bread")))))
        );
        client().performRequest(request("PUT", "/kb/_settings", json(obj("index.realm.retrieval", "hybrid", "index.realm.fusion", "rrf"))));
        List<Map<String, Object>> rrf = passages(realmPost("kb", obj("query", RARE, "k", 3, "read", false, "filter", obj("term", obj("_id", "bread")))));
        assertThat("hybrid with a filter: only the filtered document", idsOf(rrf), equalTo(Set.of("bread")));
        assertError(errorFor(request("PUT", "/kb/_settings", json(obj("index.realm.retrieval", "sparse")))), 400, null, "index.realm.retrieval");
        assertError(errorFor(request("PUT", "/kb/_settings", json(obj("index.realm.retrieval_depth", 101)))), 400, null, "index.realm.retrieval_depth");
    }

    /** Two documents with the same text: only the title tells them apart, and BM25 (alone or in hybrid) matches it. */
    public void testBm25MatchesTheTitleField() throws IOException {
        createRealmIndex("titled", SMALL_PASSAGES);
        client().performRequest(request("PUT", "/titled/_settings", json(obj("index.realm.title_field", "title"))));
        String text = "The library opened its doors in 1816 and holds two million books.";
        bulk(
            "titled",
            List.of(
                Map.of("_id", "opera", "doc", obj("title", "Paris Opera", "text", text)),
                Map.of("_id", "library", "doc", obj("title", "Warsaw University Library", "text", text))
            )
        );
        String question = "When did the Warsaw University Library open its doors?";
        for (String mode : List.of("bm25", "hybrid")) {
            List<Map<String, Object>> top = passages(realmPost("titled", obj("query", question, "k", 2, "retrieval", mode, "read", false)));
            assertEquals(mode + ": the document whose title matches first", List.of("library", "opera"), top.stream().map(p -> p.get("_id")).toList());
            assertThat(mode, ((Number) top.get(0).get("score")).doubleValue(), greaterThan(((Number) top.get(1).get("score")).doubleValue()));
            assertWellFormed("titled", top);
        }
        client().performRequest(request("PUT", "/titled/_settings", json(obj("index.realm.title_field", ""))));
        List<Map<String, Object>> untitled = passages(realmPost("titled", obj("query", question, "k", 2, "retrieval", "bm25", "read", false)));
        assertEquals("without a title field (the default) the two tie", untitled.get(0).get("score"), untitled.get(1).get("score"));
    }
}
