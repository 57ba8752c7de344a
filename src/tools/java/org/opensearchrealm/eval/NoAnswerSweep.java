/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.opensearchrealm.eval.EvalReport.round;

/**
 * The no-answer threshold that maximises F1 over a SQuAD 2.0 file, as the official v2.0 script's "best_f1": at a
 * threshold t the system abstains when p(no answer | q) > t (the plugin's rule), else gives its top answer. Every
 * distinct probability is tried (and 1: never abstain); ties go to the smallest threshold.
 */
final class NoAnswerSweep {

    private NoAnswerSweep() {}

    static Map<String, Object> best(List<QuestionAsker.ModeScores> scores, List<Boolean> answerable) {
        TreeSet<Double> thresholds = new TreeSet<>();
        scores.forEach(s -> thresholds.add(s.noAnswerProbability()));
        thresholds.add(1.0);
        double bestF1 = -1;
        double bestT = 1.0;
        for (double t : thresholds) {
            double f1 = 0;
            for (QuestionAsker.ModeScores s : scores) {
                f1 += s.noAnswerProbability() > t ? s.abstain() : s.answerF1();
            }
            if (f1 > bestF1 + 1e-9) {
                bestF1 = f1;
                bestT = t;
            }
        }
        double em = 0, hasEm = 0, noAcc = 0;
        int has = 0, none = 0;
        for (int i = 0; i < scores.size(); i++) {
            QuestionAsker.ModeScores s = scores.get(i);
            boolean abstains = s.noAnswerProbability() > bestT;
            double e = abstains ? s.abstain() : s.answerEm();
            em += e;
            if (answerable.get(i)) {
                has++;
                hasEm += e;
            } else {
                none++;
                noAcc += e;
            }
        }
        int n = Math.max(1, scores.size());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("threshold", round(bestT, 4));
        out.put("f1", round(100 * bestF1 / n, 2));
        out.put("em", round(100 * em / n, 2));
        out.put("has_ans_em", has == 0 ? null : round(100 * hasEm / has, 2));
        out.put("no_ans_accuracy", none == 0 ? null : round(100 * noAcc / none, 2));
        return out;
    }
}
