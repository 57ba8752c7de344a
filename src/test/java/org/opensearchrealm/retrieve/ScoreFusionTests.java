/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.retrieve;

import org.opensearch.search.SearchShardTarget;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.retrieve.Retriever.Retrieval;
import org.opensearchrealm.settings.RealmSettings.Fusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class ScoreFusionTests extends OpenSearchTestCase {

    public void testConvexFusionNormalisesEachRankingAndWeighsThem() {
        Retrieval dense = ranking("a:0.9", "b:0.7", "c:0.5");
        Retrieval bm25 = ranking("c:12", "d:8", "a:4");
        Retrieval fused = ScoreFusion.fuse(dense, bm25, Fusion.CONVEX, 0.5, 10);
        // dense normalised: a 1, b 0.5, c 0; bm25: c 1, d 0.5, a 0
        assertEquals(List.of("a", "c", "b", "d"), ids(fused));
        assertArrayEquals(new double[] { 0.5, 0.5, 0.25, 0.25 }, scores(fused), 1e-6);

        Retrieval denseOnly = ScoreFusion.fuse(dense, bm25, Fusion.CONVEX, 1.0, 10);
        assertEquals("weight 1: the dense order; BM25-only passages score 0", List.of("a", "b", "c", "d"), ids(denseOnly));
        assertEquals(0.0, scores(denseOnly)[3], 1e-9);
        assertEquals(List.of("c", "d", "a", "b"), ids(ScoreFusion.fuse(dense, bm25, Fusion.CONVEX, 0.0, 10)));
    }

    public void testReciprocalRankFusionIgnoresScores() {
        Retrieval dense = ranking("a:0.9", "b:0.89", "c:0.1");
        Retrieval bm25 = ranking("b:100", "c:99", "a:1");
        Retrieval fused = ScoreFusion.fuse(dense, bm25, Fusion.RRF, 0.9, 10);
        assertEquals("b is 2nd and 1st, a 1st and 3rd, c 3rd and 2nd", List.of("b", "a", "c"), ids(fused));
        double scale = (ScoreFusion.RRF_K + 1) / 2.0;
        assertEquals(scale * (1.0 / 62 + 1.0 / 61), scores(fused)[0], 1e-6);

        Retrieval firstInBoth = ScoreFusion.fuse(ranking("x:1"), ranking("x:1"), Fusion.RRF, 0.5, 1);
        assertEquals("first in both rankings scores 1", 1.0, scores(firstInBoth)[0], 1e-6);
    }

    public void testTopKAndEdgeCases() {
        Retrieval dense = ranking("a:0.9", "b:0.8", "c:0.7", "d:0.6");
        assertEquals(List.of("a", "b"), ids(ScoreFusion.fuse(dense, ranking(), Fusion.CONVEX, 0.5, 2)));
        assertEquals(List.of(), ids(ScoreFusion.fuse(ranking(), ranking(), Fusion.CONVEX, 0.5, 5)));
        Retrieval same = ScoreFusion.fuse(ranking(), ranking("p:3", "q:3"), Fusion.CONVEX, 0.0, 5);
        assertEquals("equal scores: all normalise to 1, the ranking's order kept", List.of("p", "q"), ids(same));
        assertArrayEquals(new double[] { 1, 1 }, scores(same), 1e-9);
    }

    public void testPassagesOfOneDocumentAreKeptApartAndKeepTheirOffsets() {
        Retrieval dense = new Retrieval(
            List.of(passage("doc", 0, 0.9f), passage("doc", 1, 0.5f)),
            Arrays.asList(null, null)
        );
        Retrieval fused = ScoreFusion.fuse(dense, new Retrieval(List.of(passage("doc", 1, 2f)), Arrays.asList((SearchShardTarget) null)), Fusion.CONVEX, 0.4, 5);
        assertEquals(2, fused.passages().size());
        RetrievedPassage second = fused.passages().get(1);
        assertEquals(1, fused.passages().get(0).number());
        assertEquals(0, second.number());
        assertEquals("text of doc 0", second.text());
        assertEquals(10, second.start());
        assertEquals(23, second.end());
    }

    /** "id:score" passages, best first, each passage 0 of its own document. */
    private static Retrieval ranking(String... passages) {
        List<RetrievedPassage> list = new ArrayList<>();
        for (String p : passages) {
            String[] parts = p.split(":");
            list.add(new RetrievedPassage("kb", parts[0], 0, "text", 0, 4, Float.parseFloat(parts[1])));
        }
        return new Retrieval(list, Arrays.asList(new SearchShardTarget[list.size()]));
    }

    private static RetrievedPassage passage(String id, int number, float score) {
        return new RetrievedPassage("kb", id, number, "text of " + id + " " + number, 10, 23, score);
    }

    private static List<String> ids(Retrieval r) {
        return r.passages().stream().map(RetrievedPassage::id).toList();
    }

    private static double[] scores(Retrieval r) {
        return r.passages().stream().mapToDouble(RetrievedPassage::score).toArray();
    }
}
