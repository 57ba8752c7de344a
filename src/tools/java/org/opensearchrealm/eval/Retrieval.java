/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.opensearchrealm.eval.CorpusIndex.PASSAGES;

/**
 * The two rankings whose recall is measured, each as (document id, passage number) pairs, best first: the dense
 * retriever's ({@code _realm} passages) and BM25's over the same passages.
 */
final class Retrieval {

    /** The depth of both rankings: recall@1/5/20 and MRR@20. */
    static final int RECALL_DEPTH = 20;

    private Retrieval() {}

    /** The (document id, passage number) list of a {@code _realm} response, best first. */
    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Integer>> realmPassages(Map<String, Object> resp) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (Object o : (List<Object>) resp.getOrDefault("passages", List.of())) {
            Map<String, Object> p = (Map<String, Object>) o;
            out.add(Map.entry(String.valueOf(p.get("_id")), ((Number) p.get("passage")).intValue()));
        }
        return out;
    }

    /**
     * BM25 over the same passages: a nested {@code match} on the passage text, the top k documents by their best
     * passage with their matching passages as inner hits, then the top k passages across documents, as the plugin's
     * Retriever ranks k-NN hits.
     */
    static Map<String, Object> bm25Body(String query, int k) {
        Map<String, Object> innerHits = Map.of("size", k, "_source", Map.of("includes", List.of(PASSAGES + ".num")));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("path", PASSAGES);
        nested.put("score_mode", "max");
        nested.put("query", Map.of("match", Map.of(PASSAGES + ".text", Map.of("query", query))));
        nested.put("inner_hits", innerHits);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("size", k);
        body.put("_source", false);
        body.put("track_total_hits", false);
        body.put("query", Map.of("nested", nested));
        return body;
    }

    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Integer>> bm25Passages(Map<String, Object> resp) {
        record Scored(double score, int order, String id, int num) {}
        List<Scored> found = new ArrayList<>();
        Map<String, Object> hits = (Map<String, Object>) resp.getOrDefault("hits", Map.of());
        for (Object h : (List<Object>) hits.getOrDefault("hits", List.of())) {
            Map<String, Object> hit = (Map<String, Object>) h;
            Map<String, Object> inner = (Map<String, Object>) ((Map<String, Object>) hit.getOrDefault("inner_hits", Map.of())).get(PASSAGES);
            if (inner == null) {
                continue;
            }
            for (Object ph : (List<Object>) ((Map<String, Object>) inner.get("hits")).get("hits")) {
                Map<String, Object> p = (Map<String, Object>) ph;
                Map<String, Object> src = (Map<String, Object>) p.get("_source");
                found.add(new Scored(((Number) p.get("_score")).doubleValue(), found.size(), String.valueOf(hit.get("_id")),
                    ((Number) src.get("num")).intValue()));
            }
        }
        // best score first; ties keep the search's order (documents by score, passages within)
        found.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score()) : Integer.compare(a.order(), b.order()));
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (int i = 0; i < Math.min(RECALL_DEPTH, found.size()); i++) {
            out.add(Map.entry(found.get(i).id(), found.get(i).num()));
        }
        return out;
    }

    /** The top 5 of a ranking as "id/passage", for predictions.jsonl. */
    static List<String> top5(List<Map.Entry<String, Integer>> hits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(5, hits.size()); i++) {
            out.add(hits.get(i).getKey() + "/" + hits.get(i).getValue());
        }
        return out;
    }
}
