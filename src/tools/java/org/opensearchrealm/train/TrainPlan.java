/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearchrealm.model.QaTokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * What the trainer learns from, and in which order: the windows of every training question with their answer tokens,
 * and the steps of all epochs. Both depend only on the data and the seed, which is what lets a resumed run take the
 * same steps as an uninterrupted one.
 */
final class TrainPlan {

    private TrainPlan() {}

    /**
     * One training window with its targets: the answer's first and last tokens, or 0 and 0 ({@code [CLS]}, no answer)
     * when the window does not hold the whole answer.
     */
    record Feature(QaTokenizer.Window window, int start, int end) {}

    static List<Feature> features(QaTokenizer tokenizer, SquadData.Question q) {
        SquadData.Answer answer = q.answers().isEmpty() ? null : q.answers().get(0);
        List<Feature> out = new ArrayList<>();
        for (QaTokenizer.Window w : tokenizer.windows(q.question(), q.context())) {
            int[] tokens = answer == null ? null : answerTokens(w, answer.start(), answer.end());
            out.add(tokens == null ? new Feature(w, 0, 0) : new Feature(w, tokens[0], tokens[1]));
        }
        return out;
    }

    /**
     * The window's tokens {@code [first, last]} covering the characters {@code [start, end)} of the passage, or
     * {@code null} when the window does not hold them all (they begin before its first passage token or end after its
     * last).
     */
    static int[] answerTokens(QaTokenizer.Window w, int start, int end) {
        int firstInWindow = -1;
        int lastInWindow = -1;
        int first = -1;
        int last = -1;
        for (int t = 0; t < w.length(); t++) {
            if (w.inPassage(t) == false) {
                continue;
            }
            if (firstInWindow < 0) {
                firstInWindow = t;
            }
            lastInWindow = t;
            if (first < 0 && w.ends()[t] > start) {
                first = t;
            }
            if (w.starts()[t] < end) {
                last = t;
            }
        }
        if (first < 0 || last < first) {
            return null;
        }
        boolean beginsBefore = first == firstInWindow && w.starts()[first] > start;
        boolean endsAfter = last == lastInWindow && w.ends()[last] < end;
        return beginsBefore || endsAfter ? null : new int[] { first, last };
    }

    /** The steps of all epochs: each a list of feature indices. Deterministic in the seed. */
    static List<List<Integer>> plan(List<Feature> features, int batch, int epochs, int seed) {
        List<List<Integer>> steps = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            Random random = new Random(seed * 1_000L + epoch);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            List<List<Integer>> batches = new ArrayList<>();
            int chunk = batch * 16;
            for (int c = 0; c < order.size(); c += chunk) {
                List<Integer> part = new ArrayList<>(order.subList(c, Math.min(order.size(), c + chunk)));
                part.sort(Comparator.comparingInt(i -> features.get(i).window().length()));
                for (int b = 0; b + batch <= part.size(); b += batch) { // a last partial batch is dropped
                    batches.add(new ArrayList<>(part.subList(b, b + batch)));
                }
            }
            Collections.shuffle(batches, random);
            steps.addAll(batches);
        }
        return steps;
    }
}
