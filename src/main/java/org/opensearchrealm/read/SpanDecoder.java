/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearchrealm.model.GraphemeClusters;
import org.opensearchrealm.model.QaTokenizer.Window;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.model.Reader.PassageReading;
import org.opensearchrealm.model.Reader.Span;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * From start and end logits to span probabilities, in plain Java: the softmax of each window, the best spans of each
 * window, and the merging of a passage's windows. See {@link Reader#read} for the definitions.
 */
final class SpanDecoder {

    private SpanDecoder() {}

    /** A span of a window: UTF-16 offsets into the passage, probability and logits. */
    record Candidate(int start, int end, double probability, double startLogit, double endLogit) {}

    /** A window's best spans, best first, and its no-answer probability. */
    record WindowReading(List<Candidate> spans, double noAnswerProbability) {}

    private static final Comparator<Candidate> WORST_FIRST = Comparator.comparingDouble(Candidate::probability)
        .thenComparing(Comparator.comparingInt(Candidate::start).reversed())
        .thenComparing(Comparator.comparingInt(Candidate::end).reversed());

    private static final Comparator<Candidate> BEST_FIRST = WORST_FIRST.reversed();

    /**
     * Softmax of {@code logits} over the window's first token and its passage tokens; other entries are 0.
     * Computed in double precision with the largest logit subtracted.
     */
    static double[] softmax(float[] logits, Window window) {
        int n = window.length();
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            if (t == 0 || window.inPassage(t)) {
                max = Math.max(max, logits[t]);
            }
        }
        double[] p = new double[n];
        double sum = 0;
        for (int t = 0; t < n; t++) {
            if (t == 0 || window.inPassage(t)) {
                p[t] = Math.exp(logits[t] - max);
                sum += p[t];
            }
        }
        for (int t = 0; t < n; t++) {
            p[t] /= sum;
        }
        return p;
    }

    /**
     * The {@code topSpans} most probable spans of one window (passage tokens {@code s <= e < s + maxAnswerTokens}) and
     * its no-answer probability.
     *
     * @param startLogits at least {@code window.length()} values (more, from padding, are ignored)
     */
    static WindowReading window(float[] startLogits, float[] endLogits, Window window, int maxAnswerTokens, int topSpans) {
        int n = window.length();
        if (startLogits.length < n || endLogits.length < n) {
            throw new IllegalArgumentException("logits for " + Math.min(startLogits.length, endLogits.length) + " tokens; the window has " + n);
        }
        for (int t = 0; t < n; t++) {
            if (Float.isFinite(startLogits[t]) == false || Float.isFinite(endLogits[t]) == false) {
                if (t == 0 || window.inPassage(t)) {
                    throw new IllegalArgumentException("the model returned a non-finite logit at token " + t);
                }
            }
        }
        double[] ps = softmax(startLogits, window);
        double[] pe = softmax(endLogits, window);
        PriorityQueue<Candidate> best = new PriorityQueue<>(topSpans + 1, WORST_FIRST);
        for (int s = 0; s < n; s++) {
            if (window.inPassage(s) == false) {
                continue;
            }
            for (int e = s; e < n && e < s + maxAnswerTokens && window.inPassage(e); e++) {
                double p = ps[s] * pe[e];
                if (best.size() == topSpans && p <= best.peek().probability()) {
                    continue;
                }
                best.add(new Candidate(window.starts()[s], window.ends()[e], p, startLogits[s], endLogits[e]));
                if (best.size() > topSpans) {
                    best.poll();
                }
            }
        }
        List<Candidate> spans = new ArrayList<>(best);
        spans.sort(BEST_FIRST);
        return new WindowReading(spans, ps[0] * pe[0]);
    }

    /**
     * One passage's reading from its windows' readings: each span (by offsets) with its best probability, the
     * {@code topSpans} best, and the smallest no-answer probability; 1 when there is no window. Spans are first widened
     * to whole grapheme clusters, since token offsets can end before the combining marks the tokenizer strips.
     */
    static PassageReading merge(String passage, List<WindowReading> windows, int topSpans) {
        Map<Long, Candidate> bySpan = new HashMap<>();
        GraphemeClusters clusters = new GraphemeClusters(passage);
        double noAnswer = 1.0;
        for (WindowReading w : windows) {
            noAnswer = Math.min(noAnswer, w.noAnswerProbability());
            for (Candidate token : w.spans()) {
                Candidate c = new Candidate(
                    clusters.start(token.start()),
                    clusters.end(token.end()),
                    token.probability(),
                    token.startLogit(),
                    token.endLogit()
                );
                bySpan.merge(((long) c.start() << 32) | c.end(), c, (a, b) -> BEST_FIRST.compare(a, b) <= 0 ? a : b);
            }
        }
        List<Candidate> all = new ArrayList<>(bySpan.values());
        all.sort(BEST_FIRST);
        List<Span> spans = new ArrayList<>(Math.min(topSpans, all.size()));
        for (Candidate c : all.subList(0, Math.min(topSpans, all.size()))) {
            spans.add(new Span(c.start(), c.end(), passage.substring(c.start(), c.end()), c.probability(), c.startLogit(), c.endLogit()));
        }
        return new PassageReading(spans, noAnswer);
    }
}
