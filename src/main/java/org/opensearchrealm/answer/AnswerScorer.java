/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.answer;

import org.opensearchrealm.model.Reader;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.settings.RealmSettings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * REALM's marginal answer scores over the retrieved passages z of a question q:
 * <ul>
 *   <li>p(z | q) = softmax over the top k passages of their retrieval scores (inner products) divided by a
 *       temperature (default 0.1, the index setting {@code index.realm.retrieval_temperature});</li>
 *   <li>p(span | z, q) is the reader's span probability ({@link Reader#read});</li>
 *   <li>p(y | q) = sum over the passages z and the spans of z whose text normalises ({@link AnswerNormalizer#answerKey}) to y of
 *       p(z | q) * p(span | z, q), capped at 1 (a passage read in several windows can, rarely, count one text twice);</li>
 *   <li>p(no answer | q) = sum over z of p(z | q) * p(no answer | z, q), and 1 when no passage was retrieved.</li>
 * </ul>
 * The answer's text is the text of its most probable span; every span it was read in is listed, most probable first,
 * with offsets in the source field (passage start + span offset). Spans whose text normalises to nothing (only
 * punctuation or articles) are not answers. When p(no answer | q) is above the no-answer threshold (default 1:
 * never), or there is no answer at all, the result is "no answer" and holds no answer.
 *
 * <p>Retrieval scores of unit vectors are in [-1, 1], so at temperature 1 p(z | q) is close to uniform over the top
 * k; a smaller temperature sharpens it. Pure Java, immutable, thread-safe.
 */
public final class AnswerScorer {

    public static final int DEFAULT_NUM_ANSWERS = 3;

    private final int numAnswers;
    private final double temperature;
    private final double noAnswerThreshold;
    private final boolean explain;

    /**
     * @param numAnswers        how many answers to return, at least 1
     * @param temperature       the retrieval scores are divided by it before the softmax; positive and finite
     * @param noAnswerThreshold answer "no answer" when p(no answer | q) is above it; in [0, 1]
     * @param explain           whether to return how each passage was read
     * @throws IllegalArgumentException for a parameter out of range
     */
    public AnswerScorer(int numAnswers, double temperature, double noAnswerThreshold, boolean explain) {
        if (numAnswers < 1) {
            throw new IllegalArgumentException("the number of answers must be at least 1, got [" + numAnswers + "]");
        }
        if (temperature > 0 == false || Double.isFinite(temperature) == false) {
            throw new IllegalArgumentException("the temperature must be a positive number, got [" + temperature + "]");
        }
        if (noAnswerThreshold >= 0 == false || noAnswerThreshold > 1) {
            throw new IllegalArgumentException("the no-answer threshold must be between 0 and 1, got [" + noAnswerThreshold + "]");
        }
        this.numAnswers = numAnswers;
        this.temperature = temperature;
        this.noAnswerThreshold = noAnswerThreshold;
        this.explain = explain;
    }

    /** 3 answers, temperature 0.1, never "no answer" unless nothing was found, no explanation. */
    public static AnswerScorer defaults() {
        return new AnswerScorer(DEFAULT_NUM_ANSWERS, RealmSettings.DEFAULT_TEMPERATURE, RealmSettings.DEFAULT_NO_ANSWER_THRESHOLD, false);
    }

    public int numAnswers() {
        return numAnswers;
    }

    public double temperature() {
        return temperature;
    }

    public double noAnswerThreshold() {
        return noAnswerThreshold;
    }

    public boolean explain() {
        return explain;
    }

    /**
     * p(z | q): the softmax of the passages' retrieval scores divided by {@code temperature}.
     *
     * @throws IllegalArgumentException for a score that is not finite
     */
    public static double[] passageProbabilities(List<RetrievedPassage> passages, double temperature) {
        double[] p = new double[passages.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            float score = passages.get(i).score();
            if (Float.isFinite(score) == false) {
                throw new IllegalArgumentException("passage [" + i + "] has the retrieval score [" + score + "]");
            }
            p[i] = score / temperature;
            max = Math.max(max, p[i]);
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(p[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * Adaptive reading: how many of the passages, best first, hold at least {@code readMass} of p(z | q) (at least one
     * when there are any; all of them at 1).
     */
    public static int passagesToRead(List<RetrievedPassage> passages, double temperature, double readMass) {
        if (readMass >= 1.0) {
            return passages.size();
        }
        double[] pz = passageProbabilities(passages, temperature);
        double held = 0;
        for (int i = 0; i < pz.length; i++) {
            held += pz[i];
            if (held >= readMass) {
                return i + 1;
            }
        }
        return pz.length;
    }

    /** One span supporting an answer. */
    private record Support(AnswerPassage passage, double contribution, int order) {}

    /** An answer being gathered. */
    private static final class Gathered {
        final String key;
        double total;
        String text;
        double best = -1;
        final List<Support> supports = new ArrayList<>();

        Gathered(String key) {
            this.key = key;
        }
    }

    /**
     * Scores the answers read in the retrieved passages.
     *
     * @param passages the retrieved passages, with their retrieval scores and offsets in the source field
     * @param readings the reader's reading of each passage, in the same order
     * @throws IllegalArgumentException when the lists differ in length, or a span lies outside its passage
     */
    public Answers score(List<RetrievedPassage> passages, List<Reader.PassageReading> readings) {
        if (passages.size() != readings.size()) {
            throw new IllegalArgumentException(passages.size() + " passages but " + readings.size() + " readings");
        }
        double[] pz = passageProbabilities(passages, temperature);
        Map<String, Gathered> byText = new LinkedHashMap<>();
        double noAnswerProbability = passages.isEmpty() ? 1.0 : 0.0;
        int order = 0;
        List<PassageExplanation> explanations = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            RetrievedPassage passage = passages.get(i);
            Reader.PassageReading reading = readings.get(i);
            noAnswerProbability += pz[i] * reading.noAnswerProbability();
            for (Reader.Span span : reading.spans()) {
                int length = passage.text() == null ? Integer.MAX_VALUE : passage.text().length();
                if (span.start() < 0 || span.end() < span.start() || span.end() > length) {
                    throw new IllegalArgumentException(
                        "span [" + span.start() + ", " + span.end() + ") lies outside passage [" + i + "] of " + length + " characters"
                    );
                }
                String key = AnswerNormalizer.answerKey(span.text());
                if (key.isEmpty()) {
                    continue;
                }
                double contribution = pz[i] * span.probability();
                Gathered g = byText.computeIfAbsent(key, Gathered::new);
                g.total += contribution;
                if (contribution > g.best) {
                    g.best = contribution;
                    g.text = span.text();
                }
                g.supports.add(
                    new Support(
                        new AnswerPassage(passage.index(), passage.id(), passage.number(), passage.start() + span.start(), passage.start() + span.end()),
                        contribution,
                        order++
                    )
                );
            }
            if (explain) {
                explanations.add(
                    new PassageExplanation(
                        passage.index(),
                        passage.id(),
                        passage.number(),
                        passage.score(),
                        pz[i],
                        reading.noAnswerProbability(),
                        reading.spans().stream().map(s -> s.shift(passage.start())).toList()
                    )
                );
            }
        }
        noAnswerProbability = Math.min(1.0, Math.max(0.0, noAnswerProbability));

        List<Gathered> gathered = new ArrayList<>(byText.values());
        gathered.sort(Comparator.comparingDouble((Gathered g) -> g.total).reversed().thenComparing(g -> g.key));
        List<Answer> answers = new ArrayList<>();
        for (Gathered g : gathered.subList(0, Math.min(numAnswers, gathered.size()))) {
            g.supports.sort(Comparator.comparingDouble(Support::contribution).reversed().thenComparingInt(Support::order));
            answers.add(new Answer(g.text, Math.min(1.0, g.total), g.supports.stream().map(Support::passage).toList()));
        }
        boolean noAnswer = answers.isEmpty() || noAnswerProbability > noAnswerThreshold;
        return new Answers(noAnswer ? List.of() : answers, noAnswerProbability, noAnswer, explanations);
    }

    @Override
    public String toString() {
        return "AnswerScorer[num_answers="
            + numAnswers
            + ", temperature="
            + temperature
            + ", no_answer_threshold="
            + noAnswerThreshold
            + ", explain="
            + explain
            + "]";
    }
}
