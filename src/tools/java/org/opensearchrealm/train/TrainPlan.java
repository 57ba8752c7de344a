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
 * What the trainer learns from, and in which order: each training question as a group of windows (its gold paragraph's
 * and those of the wrong passages the index retrieves for it) with their answer tokens, and the steps of all epochs.
 * Both depend only on the data and the seed, which is what lets a resumed run take the same steps as an uninterrupted
 * one.
 */
final class TrainPlan {

    private TrainPlan() {}

    /**
     * One window to read: the token spans {@code [first, last]} of the question's answers in it (none: "no answer in
     * this window", the target is {@code [CLS]}) and log p(z | q) of the passage it is cut from.
     */
    record Feature(QaTokenizer.Window window, List<int[]> spans, float logPassage) {
        boolean answers() {
            return spans.isEmpty() == false;
        }
    }

    /** The windows one question is read in; they are always in the same micro-batch, since the loss sums over them. */
    record Group(List<Feature> windows) {
        int longest() {
            return windows.stream().mapToInt(f -> f.window().length()).max().orElse(0);
        }
    }

    /**
     * The windows of one passage, each with the tokens of every answer span {@code [start, end)} (UTF-16 offsets in the
     * passage) that it holds whole.
     */
    static List<Feature> windows(List<QaTokenizer.Window> windows, List<int[]> answerChars, float logPassage) {
        List<Feature> out = new ArrayList<>();
        for (QaTokenizer.Window w : windows) {
            List<int[]> spans = new ArrayList<>();
            for (int[] chars : answerChars) {
                int[] tokens = answerTokens(w, chars[0], chars[1]);
                if (tokens != null && spans.stream().noneMatch(s -> s[0] == tokens[0] && s[1] == tokens[1])) {
                    spans.add(tokens);
                }
            }
            out.add(new Feature(w, List.copyOf(spans), logPassage));
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

    /**
     * The steps of all epochs, each a list of group indices holding at most {@code batch} windows (a larger group is a
     * step of its own). Every epoch shuffles the groups, sorts them by length within chunks of about 16 steps (less
     * padding) and shuffles the steps. Deterministic in the seed.
     */
    static List<List<Integer>> plan(List<Group> groups, int batch, int epochs, int seed) {
        List<List<Integer>> steps = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            Random random = new Random(seed * 1_000L + epoch);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            List<List<Integer>> epochSteps = new ArrayList<>();
            List<Integer> chunk = new ArrayList<>();
            int chunkWindows = 0;
            for (int g : order) {
                chunk.add(g);
                chunkWindows += groups.get(g).windows().size();
                if (chunkWindows >= 16 * batch) {
                    pack(chunk, groups, batch, epochSteps);
                    chunk.clear();
                    chunkWindows = 0;
                }
            }
            pack(chunk, groups, batch, epochSteps);
            Collections.shuffle(epochSteps, random);
            steps.addAll(epochSteps);
        }
        return steps;
    }

    private static void pack(List<Integer> chunk, List<Group> groups, int batch, List<List<Integer>> out) {
        List<Integer> sorted = new ArrayList<>(chunk);
        sorted.sort(Comparator.comparingInt(g -> groups.get(g).longest()));
        List<Integer> step = new ArrayList<>();
        int windows = 0;
        for (int g : sorted) {
            int n = groups.get(g).windows().size();
            if (step.isEmpty() == false && windows + n > batch) {
                out.add(step);
                step = new ArrayList<>();
                windows = 0;
            }
            step.add(g);
            windows += n;
        }
        if (step.isEmpty() == false) {
            out.add(step);
        }
    }
}
