/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.answer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The answer normalisation of the official SQuAD evaluation script, and its exact-match and F1 measures: lower-case,
 * remove ASCII punctuation, remove the articles "a", "an", "the" (as whole words), collapse white space. Answers that
 * normalise to the same text are the same answer.
 */
public final class AnswerNormalizer {

    /** Python's {@code string.punctuation}. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    /** {@code \b(a|an|the)\b} with Python 3's Unicode word characters. */
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);

    private AnswerNormalizer() {}

    /** The normalised answer: {@code white_space_fix(remove_articles(remove_punc(lower(s))))}. */
    public static String normalize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder noPunctuation = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                noPunctuation.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(noPunctuation).replaceAll(" ");
        return String.join(" ", tokens(noArticles));
    }

    /**
     * What makes spans one answer: the normalised text of their canonical composition (NFC), so that a letter with
     * its accent written as one code point or as letter + combining mark is the same answer. The SQuAD scores
     * ({@link #exactMatch}, {@link #f1}) keep the official script's normalisation, which compares code points.
     */
    public static String answerKey(String text) {
        return normalize(Normalizer.normalize(text, Normalizer.Form.NFC));
    }

    /** Python's {@code str.split()}: the runs of non-white-space characters. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            if (isSpace(text.charAt(i))) {
                if (start >= 0) {
                    tokens.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            tokens.add(text.substring(start));
        }
        return tokens;
    }

    /** Python's {@code str.isspace()} for one character (white space, separators and the information separators). */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Whether the normalised texts are equal. */
    public static boolean exactMatch(String prediction, String gold) {
        return normalize(prediction).equals(normalize(gold));
    }

    /**
     * Token F1 of the normalised texts (SQuAD 2.0: when either has no token, 1 if both have none, else 0).
     */
    public static double f1(String prediction, String gold) {
        List<String> predicted = tokens(normalize(prediction));
        List<String> expected = tokens(normalize(gold));
        if (predicted.isEmpty() || expected.isEmpty()) {
            return predicted.isEmpty() && expected.isEmpty() ? 1.0 : 0.0;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String t : expected) {
            counts.merge(t, 1, Integer::sum);
        }
        int same = 0;
        for (String t : predicted) {
            Integer left = counts.get(t);
            if (left != null && left > 0) {
                same++;
                counts.put(t, left - 1);
            }
        }
        if (same == 0) {
            return 0.0;
        }
        double precision = (double) same / predicted.size();
        double recall = (double) same / expected.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** The best exact match against any of the gold answers (0 for none). */
    public static boolean exactMatch(String prediction, Collection<String> golds) {
        for (String gold : golds) {
            if (exactMatch(prediction, gold)) {
                return true;
            }
        }
        return false;
    }

    /** The best F1 against any of the gold answers (0 for none). */
    public static double f1(String prediction, Collection<String> golds) {
        double best = 0;
        for (String gold : golds) {
            best = Math.max(best, f1(prediction, gold));
        }
        return best;
    }
}
