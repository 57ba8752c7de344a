/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearchrealm.answer.AnswerScorer;
import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.train.RetrievedPassages.Passage;
import org.opensearchrealm.train.TrainPlan.Feature;
import org.opensearchrealm.train.TrainPlan.Group;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A training question as REALM reads it: its gold paragraph plus the first {@code negatives} retrieved passages that
 * are not part of it. In the gold paragraph the answer spans are the annotators' (every distinct one); in a retrieved
 * passage they are the occurrences of a gold answer's text, since there the answer is as good as anywhere (REALM's
 * weak supervision). p(z | q) over the group is the softmax of the retrieval scores divided by the temperature, as at
 * query time; the gold paragraph, when it was not retrieved, scores as the lowest retrieved passage.
 */
final class QuestionGroups {

    private final QaTokenizer tokenizer;
    private final RetrievedPassages retrieved;
    private final int negatives;
    private final double temperature;

    QuestionGroups(QaTokenizer tokenizer, RetrievedPassages retrieved, int negatives, double temperature) {
        this.tokenizer = tokenizer;
        this.retrieved = retrieved;
        this.negatives = negatives;
        this.temperature = temperature;
    }

    Group group(SquadData.Question q) {
        List<Passage> found = retrieved.of(q.id());
        float goldScore = Float.NaN;
        float lowest = Float.NaN;
        List<Passage> wrong = new ArrayList<>();
        for (Passage p : found) {
            lowest = Float.isNaN(lowest) ? p.score() : Math.min(lowest, p.score());
            if (q.context().contains(p.text())) { // the gold paragraph, or a passage cut from it
                goldScore = Float.isNaN(goldScore) ? p.score() : Math.max(goldScore, p.score());
            } else if (wrong.size() < negatives) {
                wrong.add(p);
            }
        }
        if (Float.isNaN(goldScore)) {
            goldScore = Float.isNaN(lowest) ? 0f : lowest;
        }
        double[] logPz = logSoftmax(goldScore, wrong);

        List<int[]> goldSpans = new ArrayList<>();
        for (SquadData.Answer a : q.answers()) {
            goldSpans.add(new int[] { a.start(), a.end() });
        }
        Set<String> answerTexts = new LinkedHashSet<>();
        q.answers().forEach(a -> answerTexts.add(a.text()));

        List<Feature> windows = new ArrayList<>(TrainPlan.windows(tokenizer.windows(q.question(), q.context()), goldSpans, (float) logPz[0]));
        for (int i = 0; i < wrong.size(); i++) {
            String text = wrong.get(i).text();
            windows.addAll(TrainPlan.windows(tokenizer.windows(q.question(), text), occurrences(text, answerTexts), (float) logPz[i + 1]));
        }
        return new Group(List.copyOf(windows));
    }

    /** log p(z | q) of the gold paragraph (first) and of each wrong passage, by the plugin's own p(z | q). */
    private double[] logSoftmax(float goldScore, List<Passage> wrong) {
        List<RetrievedPassage> group = new ArrayList<>();
        group.add(new RetrievedPassage("train", "gold", 0, null, 0, 0, goldScore));
        for (Passage p : wrong) {
            group.add(new RetrievedPassage("train", "wrong", 0, null, 0, 0, p.score()));
        }
        double[] p = AnswerScorer.passageProbabilities(group, temperature);
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.log(p[i]);
        }
        return p;
    }

    /** Every occurrence of each text in the passage as whole words ("1" is not in "1816"), as {@code [start, end)}. */
    static List<int[]> occurrences(String passage, Set<String> texts) {
        List<int[]> out = new ArrayList<>();
        for (String t : texts) {
            for (int i = passage.indexOf(t); i >= 0; i = passage.indexOf(t, i + 1)) {
                int end = i + t.length();
                boolean wordBefore = i > 0 && Character.isLetterOrDigit(passage.charAt(i - 1));
                boolean wordAfter = end < passage.length() && Character.isLetterOrDigit(passage.charAt(end));
                if (wordBefore == false && wordAfter == false) {
                    out.add(new int[] { i, end });
                }
            }
        }
        return out;
    }
}
