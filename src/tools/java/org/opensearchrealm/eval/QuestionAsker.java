/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearchrealm.answer.AnswerNormalizer;
import org.opensearchrealm.eval.EvalReport.Outcome;
import org.opensearchrealm.eval.Squad.Passage;
import org.opensearchrealm.eval.Squad.Question;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.opensearchrealm.eval.EvalReport.round;
import static org.opensearchrealm.eval.Retrieval.RECALL_DEPTH;

/**
 * Asks one question every way it is scored: dense, BM25 and hybrid retrieval (their first gold ranks), and with a
 * reader the top answer on the gold paragraph, end to end as the index answers it, and end to end in each retrieval
 * mode at every k up to {@code --max-k} ({@link ModeSweep}); fills the question's line of {@code predictions.jsonl}.
 * Thread-safe.
 */
final class QuestionAsker {

    /** A question to ask: its position in the file, the question, and the corpus documents of its paragraph. */
    record Task(int pos, Question q, List<String> docs) {}

    /** What the reader predicted: the answer text scored ("" for no answer), and the response's reader_error. */
    record Prediction(String text, boolean noAnswer, boolean hadAnswers, Object error) {}

    /** What the node's {@code _realm} offers: a {@code "read": false} flag, and a reader on the index (answers). */
    record ReaderUse(boolean readFlag, boolean reader) {}

    /** How the index scores answers: its retrieval temperature and the no-answer threshold its reads apply. */
    record Scoring(double temperature, double noAnswerThreshold) {}

    /**
     * One retrieval mode end to end: EM and F1 at k = 1.. --max-k, and at --k the top answer's EM/F1 whatever
     * p(no answer | q), that probability, and what abstaining scores (1 for an unanswerable question, else 0): what
     * a no-answer threshold is tuned on.
     */
    record ModeScores(double[] em, double[] f1, double noAnswerProbability, double answerEm, double answerF1, double abstain,
        double[] emByTemperature) {}

    private final NodeClient node;
    private final String realm;
    private final String search;
    private final int k;
    private final Map<String, List<Passage>> passages;
    private final SearchLimits limits;
    private final ReaderUse use;
    private final boolean noAnswerMode;
    private final Latencies lat;
    private final int maxK;
    private final List<String> modes;
    private final Scoring scoring;

    /**
     * @param passages     the stored passages of every document a question is asked on
     * @param noAnswerMode a SQuAD 2.0 file: "no answer" is a prediction
     */
    QuestionAsker(NodeClient node, EvalOptions opt, Map<String, List<Passage>> passages, SearchLimits limits, ReaderUse use,
        boolean noAnswerMode, Latencies lat, Scoring scoring) {
        this.node = node;
        this.realm = "/" + opt.index + "/_realm";
        this.search = "/" + opt.index + "/_search";
        this.k = opt.k;
        this.passages = passages;
        this.limits = limits;
        this.use = use;
        this.noAnswerMode = noAnswerMode;
        this.lat = lat;
        this.maxK = Math.max(opt.k, opt.maxK);
        this.modes = opt.modes;
        this.scoring = scoring;
    }

    Outcome ask(Task t, Map<String, Object> rec) {
        Question q = t.q();
        String query = limits.query(q.question());
        Map<String, Set<Integer>> gold = new LinkedHashMap<>();
        int goldCount = 0;
        for (String doc : t.docs()) {
            Set<Integer> g = q.answerable() ? Squad.goldPassages(passages.getOrDefault(doc, List.of()), q.answers()) : Set.of();
            gold.put(doc, g);
            goldCount += g.size();
        }
        Set<String> goldDocs = new LinkedHashSet<>(t.docs());

        // dense (named: the index's default mode may be another)
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query);
        body.put("k", RECALL_DEPTH);
        body.put("retrieval", "dense");
        if (use.readFlag()) {
            body.put("read", false);
        }
        List<Map.Entry<String, Integer>> dense = Retrieval.realmPassages(timed("dense", () -> node.request("POST", realm, body, 200)));
        // BM25
        List<Map.Entry<String, Integer>> bm25 = Retrieval.bm25Passages(
            timed("bm25", () -> node.request("POST", search, Retrieval.bm25Body(query, RECALL_DEPTH), 200))
        );
        // hybrid: the plugin's own fusion of both
        Map<String, Object> hybridBody = new LinkedHashMap<>(body);
        hybridBody.put("retrieval", "hybrid");
        List<Map.Entry<String, Integer>> hybrid = Retrieval.realmPassages(timed("hybrid", () -> node.request("POST", realm, hybridBody, 200)));

        rec.put("id", q.id());
        rec.put("question", q.question());
        rec.put("answers", q.answers());
        rec.put("docs", t.docs());
        rec.put("gold_passages", gold);
        int denseRank = Squad.firstGoldRank(dense, gold);
        int bm25Rank = Squad.firstGoldRank(bm25, gold);
        int hybridRank = Squad.firstGoldRank(hybrid, gold);
        rec.put("dense_rank", denseRank);
        rec.put("bm25_rank", bm25Rank);
        rec.put("hybrid_rank", hybridRank);
        rec.put("dense", Retrieval.top5(dense));
        rec.put("bm25", Retrieval.top5(bm25));

        Double goldEm = null, goldF1 = null, e2eEm = null, e2eF1 = null;
        boolean goldError = false, e2eError = false;
        Map<String, ModeScores> byMode = new LinkedHashMap<>();
        if (use.reader()) {
            List<String> golds = q.answerable() ? q.answers() : List.of("");
            Prediction gp = onGoldParagraph(query, t.docs().get(0));
            Map<String, Object> eb = new LinkedHashMap<>();
            eb.put("query", query);
            eb.put("k", k);
            Prediction ep = prediction(timed("e2e", () -> node.request("POST", realm, eb, 200)));
            goldEm = AnswerNormalizer.exactMatch(gp.text(), golds) ? 1.0 : 0.0;
            goldF1 = AnswerNormalizer.f1(gp.text(), golds);
            e2eEm = AnswerNormalizer.exactMatch(ep.text(), golds) ? 1.0 : 0.0;
            e2eF1 = AnswerNormalizer.f1(ep.text(), golds);
            goldError = gp.error() != null;
            e2eError = ep.error() != null;
            rec.put("gold_prediction", gp.text());
            rec.put("gold_no_answer", gp.noAnswer());
            rec.put("gold_em", goldEm);
            rec.put("gold_f1", round(goldF1, 4));
            rec.put("e2e_prediction", ep.text());
            rec.put("e2e_no_answer", ep.noAnswer());
            rec.put("e2e_em", e2eEm);
            rec.put("e2e_f1", round(e2eF1, 4));
            if (gp.error() != null || ep.error() != null) {
                rec.put("reader_error", gp.error() != null ? gp.error() : ep.error());
            }
            for (String mode : modes) {
                ModeScores scores = sweep(query, mode, golds, q.answerable(), rec);
                byMode.put(mode, scores);
                rec.put("e2e_em_at_k_" + mode, scores.em());
                rec.put("no_answer_probability_" + mode, round(scores.noAnswerProbability(), 6));
                rec.put("top_answer_em_" + mode, scores.answerEm()); // at --k, whatever the no-answer threshold
                rec.put("top_answer_f1_" + mode, round(scores.answerF1(), 4));
            }
        }
        return new Outcome(q.id(), q.answerable(), goldCount, denseRank, bm25Rank, hybridRank, Squad.firstDocRank(dense, goldDocs),
            Squad.firstDocRank(bm25, goldDocs), goldEm, goldF1, e2eEm, e2eF1, goldError, e2eError, byMode);
    }

    /** The answer the index gives: none when p(no answer | q) is above its threshold. */
    private String asTheIndexAnswers(ModeSweep.Point p) {
        return p.noAnswerProbability() > scoring.noAnswerThreshold() ? "" : p.text();
    }

    /** One mode end to end at every k up to --max-k, from one explained {@code _realm} call. */
    private ModeScores sweep(String query, String mode, List<String> golds, boolean answerable, Map<String, Object> rec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query);
        body.put("k", maxK);
        body.put("retrieval", mode);
        body.put("explain", true);
        body.put("read_mass", 1.0); // every passage read, so that each smaller k can be scored
        ModeSweep.Explained explained = ModeSweep.parse(timed("sweep_" + mode, () -> node.request("POST", realm, body, 200)));
        List<ModeSweep.Point> points = explained.sweep(scoring.temperature());
        rec.put("readings_" + mode, explained.readingsAt(k)); // to weigh other no-answer statistics offline
        double[] em = new double[maxK];
        double[] f1 = new double[maxK];
        for (int i = 0; i < maxK; i++) {
            // fewer passages than k (a small corpus): the answer at the deepest k there is
            ModeSweep.Point p = points.isEmpty() ? new ModeSweep.Point("", 1.0) : points.get(Math.min(i, points.size() - 1));
            String text = asTheIndexAnswers(p);
            em[i] = AnswerNormalizer.exactMatch(text, golds) ? 1.0 : 0.0;
            f1[i] = AnswerNormalizer.f1(text, golds);
        }
        ModeSweep.Point atK = points.isEmpty() ? new ModeSweep.Point("", 1.0) : points.get(Math.min(k, points.size()) - 1);
        double[] byTemperature = new double[ModeSweep.TEMPERATURES.length];
        for (int i = 0; i < byTemperature.length && points.isEmpty() == false; i++) {
            ModeSweep.Point p = explained.at(k, ModeSweep.TEMPERATURES[i]);
            String text = asTheIndexAnswers(p);
            byTemperature[i] = AnswerNormalizer.exactMatch(text, golds) ? 1.0 : 0.0;
        }
        return new ModeScores(em, f1, atK.noAnswerProbability(), AnswerNormalizer.exactMatch(atK.text(), golds) ? 1.0 : 0.0,
            AnswerNormalizer.f1(atK.text(), golds), answerable ? 0.0 : 1.0, byTemperature);
    }

    /** {@code _realm} filtered to the paragraph's document, with k covering all its passages (none: no answer). */
    private Prediction onGoldParagraph(String query, String goldDoc) {
        int n = passages.getOrDefault(goldDoc, List.of()).size();
        if (n == 0) {
            return new Prediction("", true, false, null);
        }
        Map<String, Object> gb = new LinkedHashMap<>();
        gb.put("query", query);
        gb.put("k", Math.min(n, limits.maxK()));
        gb.put("filter", Map.of("ids", Map.of("values", List.of(goldDoc))));
        gb.put("read_mass", 1.0); // the whole paragraph, however p(z | q) falls on its passages
        return prediction(timed("reader_gold", () -> node.request("POST", realm, gb, 200)));
    }

    private Map<String, Object> timed(String kind, Supplier<Map<String, Object>> call) {
        long t = System.nanoTime();
        Map<String, Object> r = call.get();
        lat.add(kind, (System.nanoTime() - t) / 1e6);
        return r;
    }

    /**
     * The top answer of a {@code _realm} response. With a SQuAD 2.0 file, "no answer" ({@code no_answer: true})
     * predicts the empty answer; with a SQuAD 1.1 file the top answer is taken when there is one (a response that
     * abstains above the index's no-answer threshold has none, and scores 0 there, as a user would see it).
     */
    @SuppressWarnings("unchecked")
    private Prediction prediction(Map<String, Object> resp) {
        Object error = resp.get("reader_error");
        List<Object> answers = (List<Object>) resp.getOrDefault("answers", List.of());
        boolean noAnswer = Boolean.TRUE.equals(resp.get("no_answer"));
        String best = answers.isEmpty() ? "" : String.valueOf(((Map<String, Object>) answers.get(0)).get("text"));
        String text = noAnswerMode && noAnswer ? "" : best;
        return new Prediction(text, noAnswer, answers.isEmpty() == false, error);
    }
}
