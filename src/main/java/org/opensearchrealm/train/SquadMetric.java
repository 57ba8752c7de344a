/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Exact match and token F1 as the official SQuAD v1.1 evaluation script computes them: answers are normalised
 * (lower-cased, ASCII punctuation removed, the articles a/an/the removed, white space collapsed), and a prediction
 * scores the maximum over the gold answers.
 */
public final class SquadMetric {

    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SquadMetric() {}

    public static String normalize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                b.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(b).replaceAll(" ");
        // Python's str.split() splits on any white space run and drops empty strings
        String[] tokens = noArticles.trim().split("\\s+");
        return String.join(" ", tokens).trim();
    }

    public static boolean exactMatch(String prediction, String gold) {
        return normalize(prediction).equals(normalize(gold));
    }

    public static double f1(String prediction, String gold) {
        String p = normalize(prediction);
        String g = normalize(gold);
        String[] pt = p.isEmpty() ? new String[0] : p.split(" ");
        String[] gt = g.isEmpty() ? new String[0] : g.split(" ");
        Map<String, Integer> counts = new HashMap<>();
        for (String t : gt) {
            counts.merge(t, 1, Integer::sum);
        }
        int same = 0;
        for (String t : pt) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                same++;
                counts.put(t, c - 1);
            }
        }
        if (same == 0) {
            return 0;
        }
        double precision = (double) same / pt.length;
        double recall = (double) same / gt.length;
        return 2 * precision * recall / (precision + recall);
    }

    public static boolean maxExactMatch(String prediction, List<String> golds) {
        for (String g : golds) {
            if (exactMatch(prediction, g)) {
                return true;
            }
        }
        return false;
    }

    public static double maxF1(String prediction, List<String> golds) {
        double best = 0;
        for (String g : golds) {
            best = Math.max(best, f1(prediction, g));
        }
        return best;
    }
}
