/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearchrealm.answer.AnswerScorer;
import org.opensearchrealm.answer.Answers;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * End to end at every k up to the deepest asked, from one {@code _realm} call with {@code "explain": true}: the
 * explanation holds each passage's retrieval score and reading, so the answer at any smaller k is the plugin's own
 * {@link AnswerScorer} over the first k of them (each passage is read on its own, so its reading does not depend on
 * k; p(z | q) is the softmax over the first k, as a call with that k computes it).
 */
final class ModeSweep {

    /** The retrieval modes compared end to end. */
    static final List<String> MODES = List.of("dense", "bm25", "hybrid");

    /** Temperatures the answer at --k is also scored with (index.realm.retrieval_temperature is tuned on them). */
    static final double[] TEMPERATURES = { 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0 };

    /** The top answer at one k ("" when none) and p(no answer | q). */
    record Point(String text, double noAnswerProbability) {}

    /** The passages of one explained response with their readings, best first. */
    record Explained(List<RetrievedPassage> passages, List<Reader.PassageReading> readings) {

        /** The top answer at k = 1, 2, ... up to the number of passages read. */
        List<Point> sweep(double temperature) {
            List<Point> out = new ArrayList<>();
            for (int k = 1; k <= passages.size(); k++) {
                out.add(at(k, temperature));
            }
            return out;
        }

        /** The first k passages as read: retrieval score, p(no answer | z, q) and the best span's probability (0: none). */
        List<Map<String, Object>> readingsAt(int k) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (int i = 0; i < Math.min(k, passages.size()); i++) {
                Reader.PassageReading r = readings.get(i);
                double best = r.spans().stream().mapToDouble(Reader.Span::probability).max().orElse(0);
                out.add(Map.of("score", passages.get(i).score(), "no_answer_probability", r.noAnswerProbability(), "best_span_probability", best));
            }
            return out;
        }

        /** The top answer over the first k passages (all there are when fewer). */
        Point at(int k, double temperature) {
            int n = Math.min(k, passages.size());
            Answers a = new AnswerScorer(1, temperature, 1.0, false).score(passages.subList(0, n), readings.subList(0, n));
            return new Point(a.answers().isEmpty() ? "" : a.answers().get(0).text(), a.noAnswerProbability());
        }
    }

    private ModeSweep() {}

    @SuppressWarnings("unchecked")
    static Explained parse(Map<String, Object> response) {
        List<RetrievedPassage> passages = new ArrayList<>();
        List<Reader.PassageReading> readings = new ArrayList<>();
        for (Object o : (List<Object>) response.getOrDefault("reading", List.of())) {
            Map<String, Object> r = (Map<String, Object>) o;
            // offsets in the explanation are already in the source field: the passage starts at 0 here
            passages.add(new RetrievedPassage(String.valueOf(r.get("_index")), String.valueOf(r.get("_id")),
                ((Number) r.get("passage")).intValue(), null, 0, 0, ((Number) r.get("score")).floatValue()));
            List<Reader.Span> spans = new ArrayList<>();
            for (Object so : (List<Object>) r.get("spans")) {
                Map<String, Object> s = (Map<String, Object>) so;
                spans.add(new Reader.Span(((Number) s.get("start")).intValue(), ((Number) s.get("end")).intValue(), (String) s.get("text"),
                    num(s, "probability"), num(s, "start_logit"), num(s, "end_logit")));
            }
            readings.add(new Reader.PassageReading(spans, num(r, "no_answer_probability")));
        }
        return new Explained(passages, readings);
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
