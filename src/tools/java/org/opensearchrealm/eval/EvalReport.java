/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The numbers of {@link SquadEval}: per-question outcomes in, the summary ({@code results.json}) and its Markdown table
 * out. Every score is a percentage (0-100), as the SQuAD evaluation and DPR report them.
 *
 * <ul>
 *   <li>recall@k (dense, BM25): the share of answerable questions with a gold passage (a passage of the paragraph the
 *       question was asked on that contains one of its answers) among the top k passages; unanswerable questions are
 *       left out;</li>
 *   <li>reader EM/F1 (gold paragraph, end to end): the SQuAD measures of the top answer, max over the gold answers,
 *       over all questions; an unanswerable question scores 1 only when the prediction is "no answer" (SQuAD 2.0);
 *       {@code *_has_ans} and {@code *_no_ans} split them (for SQuAD 1.1 files, {@code *_has_ans} is the whole).</li>
 * </ul>
 */
final class EvalReport {

    static final int[] RECALL_AT = { 1, 5, 20 };

    /** What one question gave. Reader fields are null when the index has no reader (or it was not asked). */
    record Outcome(
        String id,
        boolean answerable,
        int goldPassages,
        int denseRank,
        int bm25Rank,
        int hybridRank,
        int denseDocRank,
        int bm25DocRank,
        Double goldEm,
        Double goldF1,
        Double e2eEm,
        Double e2eF1,
        boolean goldReaderError,
        boolean e2eReaderError,
        Map<String, QuestionAsker.ModeScores> modes
    ) {}

    private final List<Outcome> outcomes = new ArrayList<>();
    private final int k;

    /** @param k the passages read end to end (--k): where the per-mode figures are taken */
    EvalReport(int k) {
        this.k = k;
    }

    synchronized void add(Outcome o) {
        outcomes.add(o);
    }

    synchronized int size() {
        return outcomes.size();
    }

    /** A short running summary for progress lines: reader EM/F1 so far and dense/BM25 recall@5 so far. */
    synchronized String running() {
        List<String> parts = new ArrayList<>();
        Double gEm = mean(outcomes, Outcome::goldEm, null);
        if (gEm != null) {
            parts.add(String.format(Locale.ROOT, "gold EM/F1 %.1f/%.1f", gEm, mean(outcomes, Outcome::goldF1, null)));
        }
        Double eEm = mean(outcomes, Outcome::e2eEm, null);
        if (eEm != null) {
            parts.add(String.format(Locale.ROOT, "e2e EM/F1 %.1f/%.1f", eEm, mean(outcomes, Outcome::e2eF1, null)));
        }
        Double d5 = recall(outcomes, Outcome::denseRank, 5);
        if (d5 != null) {
            parts.add(String.format(Locale.ROOT, "R@5 dense/bm25 %.1f/%.1f", d5, recall(outcomes, Outcome::bm25Rank, 5)));
        }
        return String.join(", ", parts);
    }

    /** The summary: the required keys first, then the breakdowns and counts. */
    synchronized Map<String, Object> summary() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("questions", outcomes.size());
        r.put("reader_em_gold", mean(outcomes, Outcome::goldEm, null));
        r.put("reader_f1_gold", mean(outcomes, Outcome::goldF1, null));
        r.put("e2e_em", mean(outcomes, Outcome::e2eEm, null));
        r.put("e2e_f1", mean(outcomes, Outcome::e2eF1, null));
        for (String kind : new String[] { "dense", "bm25", "hybrid" }) {
            for (int k : RECALL_AT) {
                r.put("recall_at_" + k + "_" + kind, recall(outcomes, rankOf(kind), k));
            }
            r.put("mrr_at_20_" + kind, mrr(outcomes, rankOf(kind)));
        }
        List<Outcome> has = outcomes.stream().filter(Outcome::answerable).toList();
        List<Outcome> none = outcomes.stream().filter(o -> o.answerable() == false).toList();
        r.put("questions_answerable", has.size());
        r.put("questions_unanswerable", none.size());
        r.put("questions_without_gold_passage", has.stream().filter(o -> o.goldPassages() == 0).count());
        r.put("reader_em_gold_has_ans", mean(has, Outcome::goldEm, null));
        r.put("reader_f1_gold_has_ans", mean(has, Outcome::goldF1, null));
        r.put("e2e_em_has_ans", mean(has, Outcome::e2eEm, null));
        r.put("e2e_f1_has_ans", mean(has, Outcome::e2eF1, null));
        r.put("reader_em_gold_no_ans", mean(none, Outcome::goldEm, null));
        r.put("e2e_em_no_ans", mean(none, Outcome::e2eEm, null));
        r.put("reader_errors_gold", outcomes.stream().filter(Outcome::goldReaderError).count());
        r.put("reader_errors_e2e", outcomes.stream().filter(Outcome::e2eReaderError).count());
        for (String kind : new String[] { "dense", "bm25" }) {
            for (int k : RECALL_AT) {
                r.put(
                    "doc_recall_at_" + k + "_" + kind,
                    recall(outcomes, kind.equals("dense") ? Outcome::denseDocRank : Outcome::bm25DocRank, k)
                );
            }
        }
        r.putAll(modeSummary());
        for (String mode : ModeSweep.MODES) {
            if (r.get("e2e_em_at_k_" + mode) instanceof List<?> em && em.size() >= k) {
                r.put("e2e_em_" + mode, em.get(k - 1));
                r.put("e2e_f1_" + mode, ((List<?>) r.get("e2e_f1_at_k_" + mode)).get(k - 1));
            }
        }
        return r;
    }

    /**
     * End to end per retrieval mode: EM/F1 at --k ({@code e2e_em_hybrid}, ...), EM and F1 at every k
     * ({@code e2e_em_at_k_hybrid}: k = 1, 2, ...), and with unanswerable questions the no-answer threshold that
     * maximises F1 ({@code no_answer_sweep_hybrid}). Empty without a reader.
     */
    private Map<String, Object> modeSummary() {
        Map<String, Object> r = new LinkedHashMap<>();
        List<Outcome> read = outcomes.stream().filter(o -> o.modes().isEmpty() == false).toList();
        if (read.isEmpty()) {
            return r;
        }
        int depth = read.get(0).modes().values().iterator().next().em().length;
        for (String mode : read.get(0).modes().keySet()) {
            List<QuestionAsker.ModeScores> scores = read.stream().map(o -> o.modes().get(mode)).toList();
            List<Double> em = new ArrayList<>();
            List<Double> f1 = new ArrayList<>();
            for (int k = 0; k < depth; k++) {
                final int i = k;
                em.add(round(percent(scores, m -> m.em()[i]), 2));
                f1.add(round(percent(scores, m -> m.f1()[i]), 2));
            }
            r.put("e2e_em_at_k_" + mode, em);
            r.put("e2e_f1_at_k_" + mode, f1);
            Map<String, Double> byTemperature = new LinkedHashMap<>();
            for (int i = 0; i < ModeSweep.TEMPERATURES.length; i++) {
                final int t = i;
                byTemperature.put(Double.toString(ModeSweep.TEMPERATURES[i]), round(percent(scores, m -> m.emByTemperature()[t]), 2));
            }
            r.put("e2e_em_by_temperature_" + mode, byTemperature);
            if (read.stream().anyMatch(o -> o.answerable() == false)) {
                r.put("no_answer_sweep_" + mode, NoAnswerSweep.best(read.stream().map(o -> o.modes().get(mode)).toList(),
                    read.stream().map(Outcome::answerable).toList()));
            }
        }
        return r;
    }

    private static double percent(List<QuestionAsker.ModeScores> scores, java.util.function.ToDoubleFunction<QuestionAsker.ModeScores> f) {
        return scores.isEmpty() ? 0 : 100.0 * scores.stream().mapToDouble(f).sum() / scores.size();
    }

    /** The first gold rank of a question under one retrieval mode. */
    private static java.util.function.ToIntFunction<Outcome> rankOf(String kind) {
        return switch (kind) {
            case "dense" -> Outcome::denseRank;
            case "bm25" -> Outcome::bm25Rank;
            default -> Outcome::hybridRank;
        };
    }

    /** The Markdown table of a summary (plus the caption lines above it). */
    static String markdown(Map<String, Object> s, Map<String, Object> meta) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "### opensearch-realm evaluation: %s on %s%n%n", meta.get("questions_file"), meta.get("corpus_file")));
        b.append(String.format(Locale.ROOT, "%s questions scored (%s answerable, %s unanswerable)", s.get("questions"),
            s.get("questions_answerable"), s.get("questions_unanswerable")));
        Object skipped = meta.get("questions_skipped_not_in_corpus");
        if (skipped instanceof Number n && n.longValue() > 0) {
            b.append(String.format(Locale.ROOT, "; %s skipped (paragraph not in the corpus)", skipped));
        }
        b.append(String.format(Locale.ROOT, "; %s documents, %s passages; encoder %s, reader %s; end to end k=%s.%n%n",
            meta.get("documents"), meta.get("passages"), meta.get("model"), meta.get("reader") == null ? "none" : meta.get("reader"),
            meta.get("k")));
        b.append("| | dense (`_realm`) | BM25 (`match`) | hybrid (`_realm`) |\n|---|---:|---:|---:|\n");
        for (int k : RECALL_AT) {
            b.append("| recall@").append(k).append(" | ").append(pct(s.get("recall_at_" + k + "_dense"))).append(" | ")
                .append(pct(s.get("recall_at_" + k + "_bm25"))).append(" | ").append(pct(s.get("recall_at_" + k + "_hybrid"))).append(" |\n");
        }
        b.append("| MRR@20 | ").append(num(s.get("mrr_at_20_dense"))).append(" | ").append(num(s.get("mrr_at_20_bm25"))).append(" | ")
            .append(num(s.get("mrr_at_20_hybrid"))).append(" |\n");
        b.append("\n| reader | EM | F1 |\n|---|---:|---:|\n");
        b.append("| gold paragraph | ").append(pct(s.get("reader_em_gold"))).append(" | ").append(pct(s.get("reader_f1_gold"))).append(" |\n");
        b.append("| end to end (`_realm` as the index answers, top ").append(meta.get("k")).append(") | ").append(pct(s.get("e2e_em"))).append(" | ")
            .append(pct(s.get("e2e_f1"))).append(" |\n");
        for (String mode : ModeSweep.MODES) {
            if (s.containsKey("e2e_em_" + mode)) {
                b.append("| end to end, ").append(mode).append(" top ").append(meta.get("k")).append(" | ").append(pct(s.get("e2e_em_" + mode)))
                    .append(" | ").append(pct(s.get("e2e_f1_" + mode))).append(" |\n");
            }
        }
        if (((Number) s.get("questions_unanswerable")).longValue() > 0) {
            b.append("| gold paragraph, unanswerable only (no-answer rate) | ").append(pct(s.get("reader_em_gold_no_ans")))
                .append(" | |\n");
            b.append("| end to end, unanswerable only (no-answer rate) | ").append(pct(s.get("e2e_em_no_ans"))).append(" | |\n");
        }
        if (ModeSweep.MODES.stream().anyMatch(m -> s.containsKey("e2e_em_at_k_" + m))) {
            b.append("\n| end to end EM at k = 1, 2, ... | |\n|---|---|\n");
            for (String mode : ModeSweep.MODES) {
                if (s.get("e2e_em_at_k_" + mode) instanceof List<?> em) {
                    b.append("| ").append(mode).append(" | ").append(em.stream().map(EvalReport::pct).collect(Collectors.joining(" "))).append(" |\n");
                }
            }
        }
        for (String mode : ModeSweep.MODES) {
            if (s.get("no_answer_sweep_" + mode) instanceof Map<?, ?> sweep) {
                b.append(String.format(Locale.ROOT, "%nNo-answer threshold (%s, k=%s): F1 is highest, %s, at %s (EM %s; answerable EM %s, "
                    + "unanswerable accuracy %s)", mode, meta.get("k"), pct(sweep.get("f1")), sweep.get("threshold"), pct(sweep.get("em")),
                    pct(sweep.get("has_ans_em")), pct(sweep.get("no_ans_accuracy"))));
            }
        }
        b.append("\nScores in percent. Recall: answerable questions with a gold passage (a passage of their paragraph that "
            + "contains an answer) in the top k; MRR@20 as a fraction. EM/F1: official SQuAD normalisation, max over gold answers.");
        if (s.get("reader_em_gold") == null) {
            b.append(" Reader: n/a (the index has no reader, `_realm` returned no answers).");
        }
        b.append('\n');
        return b.toString();
    }

    static String pct(Object v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f", ((Number) v).doubleValue());
    }

    static String num(Object v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }

    /** v rounded to this many decimals, as the numbers of results.json and predictions.jsonl are written. */
    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static Double mean(List<Outcome> list, java.util.function.Function<Outcome, Double> f, Double empty) {
        double sum = 0;
        int n = 0;
        for (Outcome o : list) {
            Double v = f.apply(o);
            if (v != null) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? empty : Double.valueOf(100.0 * sum / n);
    }

    /** Share (percent) of the answerable questions whose first gold rank is within k; null when there are none. */
    private static Double recall(List<Outcome> list, java.util.function.ToIntFunction<Outcome> rank, int k) {
        int n = 0;
        int hits = 0;
        for (Outcome o : list) {
            if (o.answerable()) {
                n++;
                int r = rank.applyAsInt(o);
                if (r >= 1 && r <= k) {
                    hits++;
                }
            }
        }
        return n == 0 ? null : Double.valueOf(100.0 * hits / n);
    }

    private static Double mrr(List<Outcome> list, java.util.function.ToIntFunction<Outcome> rank) {
        int n = 0;
        double sum = 0;
        for (Outcome o : list) {
            if (o.answerable()) {
                n++;
                int r = rank.applyAsInt(o);
                if (r >= 1) {
                    sum += 1.0 / r;
                }
            }
        }
        return n == 0 ? null : Double.valueOf(sum / n);
    }
}
