/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.retrieve;

import org.opensearch.search.SearchShardTarget;
import org.opensearchrealm.retrieve.Retriever.Retrieval;
import org.opensearchrealm.settings.RealmSettings.Fusion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses two rankings of passages (dense and BM25) into one, as hybrid retrieval does. Scores come out in [0, 1], so
 * that p(z | q), a softmax of scores over a temperature, means the same in every mode: convex fusion min-max
 * normalises each ranking over the passages it returned and weighs them; reciprocal rank fusion sums
 * 1 / (60 + rank) and is scaled so that a passage ranked first by both scores 1. A passage one ranking did not
 * return counts 0 there.
 */
final class ScoreFusion {

    /** The constant of reciprocal rank fusion (Cormack et al. 2009). */
    static final int RRF_K = 60;

    private ScoreFusion() {}

    /**
     * @param denseWeight the dense ranking's weight in convex fusion, in [0, 1]; the BM25 ranking gets 1 minus it
     * @return the top {@code k} passages by fused score, best first; ties keep the dense ranking's order, then BM25's
     */
    static Retrieval fuse(Retrieval dense, Retrieval bm25, Fusion fusion, double denseWeight, int k) {
        Map<String, Fused> byPassage = new LinkedHashMap<>();
        add(byPassage, dense, fusion == Fusion.CONVEX ? denseWeight : 1.0, fusion);
        add(byPassage, bm25, fusion == Fusion.CONVEX ? 1.0 - denseWeight : 1.0, fusion);
        double scale = fusion == Fusion.RRF ? (RRF_K + 1) / 2.0 : 1.0;
        List<Fused> ranked = new ArrayList<>(byPassage.values());
        ranked.sort(Comparator.comparingDouble((Fused f) -> f.score).reversed()); // stable: first seen wins a tie
        List<RetrievedPassage> passages = new ArrayList<>();
        List<SearchShardTarget> shards = new ArrayList<>();
        for (Fused f : ranked.subList(0, Math.min(k, ranked.size()))) {
            RetrievedPassage p = f.passage;
            passages.add(new RetrievedPassage(p.index(), p.id(), p.number(), p.text(), p.start(), p.end(), (float) (f.score * scale)));
            shards.add(f.shard);
        }
        return new Retrieval(passages, shards);
    }

    private static void add(Map<String, Fused> byPassage, Retrieval ranking, double weight, Fusion fusion) {
        List<RetrievedPassage> passages = ranking.passages();
        double max = passages.stream().mapToDouble(RetrievedPassage::score).max().orElse(0);
        double min = passages.stream().mapToDouble(RetrievedPassage::score).min().orElse(0);
        for (int rank = 0; rank < passages.size(); rank++) {
            RetrievedPassage p = passages.get(rank);
            double score = fusion == Fusion.RRF ? 1.0 / (RRF_K + rank + 1) : max > min ? (p.score() - min) / (max - min) : 1.0;
            Fused fused = byPassage.computeIfAbsent(p.index() + "\u0000" + p.id() + "\u0000" + p.number(), key -> new Fused(p));
            fused.score += weight * score;
            if (fused.shard == null) {
                fused.shard = ranking.shards().get(rank);
            }
        }
    }

    /** A passage and its fused score so far. */
    private static final class Fused {
        final RetrievedPassage passage;
        double score;
        SearchShardTarget shard;

        Fused(RetrievedPassage passage) {
            this.passage = passage;
        }
    }
}
