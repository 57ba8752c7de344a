/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.eval.EvalReport.Outcome;
import org.opensearchrealm.eval.Squad.Passage;
import org.opensearchrealm.eval.Squad.Question;
import org.opensearchrealm.eval.Squad.QuestionFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The evaluator's pure parts: reading SQuAD files, paragraph matching, gold passages, ranking and the summary. */
public class SquadEvalTests extends OpenSearchTestCase {

    private static final String V2 = """
        {"version": "v2.0", "data": [{"title": "Etna", "paragraphs": [
          {"context": "Mount Etna is on the east coast of Sicily.", "qas": [
            {"id": "a", "question": "Where is Etna?", "answers": [{"text": "Sicily", "answer_start": 35},
                                                                  {"text": "the east coast of Sicily", "answer_start": 17}]},
            {"id": "b", "question": "How tall is Etna?", "answers": [], "is_impossible": true,
             "plausible_answers": [{"text": "tall", "answer_start": 0}]}]}]}]}
        """;

    public void testReadQuestions() throws Exception {
        Path f = createTempFile("squad", ".json");
        Files.writeString(f, V2, StandardCharsets.UTF_8);
        QuestionFile file = Squad.readQuestions(f);
        assertEquals("v2.0", file.version());
        assertTrue(file.allowsNoAnswer());
        assertEquals(2, file.questions().size());
        Question a = file.questions().get(0);
        assertEquals("a", a.id());
        assertEquals("Etna", a.title());
        assertEquals(List.of("Sicily", "the east coast of Sicily"), a.answers());
        assertTrue(a.answerable());
        // unanswerable: plausible answers are not gold
        assertEquals(List.of(), file.questions().get(1).answers());
        assertFalse(file.questions().get(1).answerable());

        Files.writeString(f, "{\"version\": \"1.1\", \"data\": [{\"title\": \"T\", \"paragraphs\": [{\"context\": \"c\", \"qas\": "
            + "[{\"id\": \"x\", \"question\": \"q\", \"answers\": [{\"text\": \"c\", \"answer_start\": 0}]}]}]}]}", StandardCharsets.UTF_8);
        assertFalse(Squad.readQuestions(f).allowsNoAnswer());
        Files.writeString(f, "{\"version\": \"1.1\"}", StandardCharsets.UTF_8);
        expectThrows(IllegalArgumentException.class, () -> Squad.readQuestions(f));
    }

    public void testReadCorpus() throws Exception {
        Path f = createTempFile("corpus", ".jsonl");
        Files.writeString(f, "{\"id\": 7, \"title\": \"T\", \"text\": \"one\"}\n\n{\"id\": \"b\", \"text\": \"two\"}\n", StandardCharsets.UTF_8);
        List<Squad.Doc> docs = Squad.readCorpus(f, "text");
        assertEquals(2, docs.size());
        assertEquals("7", docs.get(0).id());
        assertEquals(Map.of("title", "T", "text", "one"), docs.get(0).source());
        Files.writeString(f, "{\"id\": 1, \"text\": \"a\"}\n{\"id\": 1, \"text\": \"b\"}\n", StandardCharsets.UTF_8);
        assertTrue(expectThrows(IllegalArgumentException.class, () -> Squad.readCorpus(f, "text")).getMessage().contains("duplicate id"));
        Files.writeString(f, "{\"id\": 1, \"body\": \"a\"}\n", StandardCharsets.UTF_8);
        assertTrue(expectThrows(IllegalArgumentException.class, () -> Squad.readCorpus(f, "text")).getMessage().contains(":1: no string"));
    }

    public void testParagraphMatcher() {
        Squad.ParagraphMatcher m = new Squad.ParagraphMatcher(
            List.of(doc("p1", "Mount Etna is\non Sicily."), doc("p2", "Other text."), doc("p3", "Other text."))
        );
        assertEquals(List.of("p1"), m.match("Mount Etna is\non Sicily."));
        // white space differences only
        assertEquals(List.of("p1"), m.match("  Mount Etna  is on\tSicily. "));
        // every document with the text
        assertEquals(List.of("p2", "p3"), m.match("Other text."));
        assertEquals(List.of(), m.match("Mount Etna is on Sicily"));
        assertEquals(List.of(), m.match(null));
        assertEquals("a b c", Squad.collapseSpace("\u00a0a \n b\u2009c  "));
    }

    public void testContainsAnswer() {
        assertTrue(Squad.containsAnswer("It lies on the Moon, far away.", List.of("moon")));
        assertTrue(Squad.containsAnswer("It lies on the Moon, far away.", List.of("Mars", "the moon")));
        // whole tokens: "1" is not inside "1990", "art" not inside "party"
        assertFalse(Squad.containsAnswer("In 1990 there was a party.", List.of("1", "art")));
        assertTrue(Squad.containsAnswer("In 1990 there was a party.", List.of("1990")));
        // punctuation splits words, whatever it is
        assertTrue(Squad.containsAnswer("The U.S. Army arrived.", List.of("U.S.")));
        assertTrue(Squad.containsAnswer("Before Rollo's arrival", List.of("Rollo")));
        assertTrue(Squad.containsAnswer("bases of the Adriatic\u2014fell again", List.of("the Adriatic")));
        assertTrue(Squad.containsAnswer("John Gallagher (1919\u20131980)", List.of("1980")));
        assertTrue(Squad.containsAnswer("was \u2018often damaging\u2019, along", List.of("often damaging")));
        assertTrue(Squad.containsAnswer("other governments.[citation needed]", List.of("other governments.")));
        assertTrue(Squad.containsAnswer("Caf\u00e9 au lait", List.of("CAF\u00c9")));
        assertFalse(Squad.containsAnswer("the checks and balances", List.of("checks balances")));
        // an answer without letters or digits is looked up verbatim
        assertTrue(Squad.containsAnswer("It rose by 5 %.", List.of("%")));
        assertFalse(Squad.containsAnswer("It rose by 5 percent.", List.of("%")));
        assertEquals(List.of("rollo", "s", "1919", "1980", "café"), Squad.words("Rollo's (1919\u20131980) Caf\u00e9!"));
        assertFalse(Squad.containsAnswer("anything", List.of()));
    }

    public void testGoldPassagesAndRanks() {
        List<Passage> passages = List.of(new Passage(0, "Mount Etna is a volcano"), new Passage(1, "on the east coast of Sicily"),
            new Passage(2, "Sicily is an island"));
        Set<Integer> gold = Squad.goldPassages(passages, List.of("Sicily"));
        assertEquals(Set.of(1, 2), gold);
        Map<String, Set<Integer>> byDoc = Map.of("etna", gold);
        List<Map.Entry<String, Integer>> ranked = List.of(Map.entry("other", 1), Map.entry("etna", 0), Map.entry("etna", 2));
        assertEquals(3, Squad.firstGoldRank(ranked, byDoc));
        assertEquals(2, Squad.firstDocRank(ranked, Set.of("etna")));
        assertEquals(0, Squad.firstGoldRank(ranked.subList(0, 2), byDoc));
        assertEquals(0, Squad.firstDocRank(List.of(), Set.of("etna")));
    }

    public void testBm25RanksPassagesAcrossDocuments() {
        Map<String, Object> resp = Map.of("hits", Map.of("hits", List.of(
            hit("d1", 5.0, inner(5.0, 3), inner(1.0, 0)),
            hit("d2", 4.0, inner(4.0, 1), inner(2.0, 2)),
            Map.of("_id", "d3", "_score", 3.0)
        )));
        assertEquals(List.of(Map.entry("d1", 3), Map.entry("d2", 1), Map.entry("d2", 2), Map.entry("d1", 0)), Retrieval.bm25Passages(resp));
        Map<String, Object> body = Retrieval.bm25Body("where is etna", 20);
        assertEquals(20, body.get("size"));
        assertTrue(body.toString().contains("realm_passages.text"));
    }

    public void testRealmPassages() {
        Map<String, Object> resp = Map.of("passages", List.of(Map.of("_id", "a", "passage", 2), Map.of("_id", "b", "passage", 0)));
        assertEquals(List.of(Map.entry("a", 2), Map.entry("b", 0)), Retrieval.realmPassages(resp));
        assertEquals(List.of(), Retrieval.realmPassages(Map.of()));
    }

    public void testSummaryWithoutReader() {
        EvalReport r = new EvalReport(5);
        r.add(outcome("1", true, 1, 1, 3));
        r.add(outcome("2", true, 1, 6, 0));
        r.add(outcome("3", true, 0, 0, 21));
        r.add(outcome("4", false, 0, 0, 0)); // unanswerable: left out of recall
        Map<String, Object> s = r.summary();
        assertEquals(4, s.get("questions"));
        assertNull(s.get("reader_em_gold"));
        assertNull(s.get("e2e_f1"));
        assertEquals(100.0 / 3, (Double) s.get("recall_at_1_dense"), 1e-9);
        assertEquals(100.0 / 3, (Double) s.get("recall_at_5_dense"), 1e-9);
        assertEquals(200.0 / 3, (Double) s.get("recall_at_20_dense"), 1e-9);
        assertEquals(0.0, (Double) s.get("recall_at_1_bm25"), 1e-9);
        assertEquals(100.0 / 3, (Double) s.get("recall_at_5_bm25"), 1e-9);
        assertEquals(100.0 / 3, (Double) s.get("recall_at_20_bm25"), 1e-9);
        assertEquals((1.0 + 1.0 / 6) / 3, (Double) s.get("mrr_at_20_dense"), 1e-9);
        assertEquals(3, s.get("questions_answerable"));
        assertEquals(1, s.get("questions_unanswerable"));
        assertEquals(1L, s.get("questions_without_gold_passage"));
        String md = EvalReport.markdown(s, Map.of("k", 5, "questions_file", "q.json", "corpus_file", "c.jsonl"));
        assertTrue(md, md.contains("| recall@20 | 66.7 | 33.3 |"));
        assertTrue(md, md.contains("| gold paragraph | n/a | n/a |"));
        assertTrue(md, md.contains("unanswerable only"));
        assertTrue(r.running(), r.running().contains("R@5 dense/bm25 33.3/33.3"));
    }

    public void testSummaryWithReader() {
        EvalReport r = new EvalReport(5);
        r.add(outcome("1", true, 1, 1, 1, 1.0, 1.0, 1.0, 1.0));
        r.add(outcome("2", true, 1, 1, 1, 0.0, 0.5, 0.0, 0.0));
        r.add(outcome("3", false, 0, 0, 0, 1.0, 1.0, 0.0, 0.0)); // gold reader said "no answer", end to end answered
        Map<String, Object> s = r.summary();
        // over all questions, as SQuAD 2.0 reports them
        assertEquals(200.0 / 3, (Double) s.get("reader_em_gold"), 1e-9);
        assertEquals(250.0 / 3, (Double) s.get("reader_f1_gold"), 1e-9);
        assertEquals(50.0, (Double) s.get("reader_em_gold_has_ans"), 1e-9);
        assertEquals(75.0, (Double) s.get("reader_f1_gold_has_ans"), 1e-9);
        assertEquals(100.0, (Double) s.get("reader_em_gold_no_ans"), 1e-9);
        assertEquals(100.0 / 3, (Double) s.get("e2e_em"), 1e-9);
        assertEquals(0.0, (Double) s.get("e2e_em_no_ans"), 1e-9);
        assertEquals(100.0, (Double) s.get("recall_at_1_dense"), 1e-9);
        assertTrue(r.running(), r.running().startsWith("gold EM/F1 66.7/83.3, e2e EM/F1 33.3/33.3"));
        String md = EvalReport.markdown(s, Map.of("k", 5, "questions_file", "q.json", "corpus_file", "c.jsonl"));
        assertTrue(md, md.contains("| gold paragraph | 66.7 | 83.3 |"));
        assertTrue(md, md.contains("| end to end (`_realm` as the index answers, top 5) | 33.3 | 33.3 |"));
    }

    /** Passage a (score 0.9) reads "Paris" 0.6; passage b (0.8) reads "Lyon" 0.9: at k = 1 Paris, at k = 2 the marginal decides. */
    public void testModeSweepRescoresEveryK() {
        Map<String, Object> response = Map.of("reading", List.of(
            reading("a", 0.9, 0.3, span("Paris", 0.6)),
            reading("b", 0.8, 0.05, span("Lyon", 0.9))
        ));
        List<ModeSweep.Point> points = ModeSweep.parse(response).sweep(0.1);
        assertEquals(2, points.size());
        assertEquals("Paris", points.get(0).text());
        assertEquals(0.3, points.get(0).noAnswerProbability(), 1e-9);
        double pa = Math.exp(9) / (Math.exp(9) + Math.exp(8));
        // Paris: pa * 0.6 = 0.438; Lyon: (1 - pa) * 0.9 = 0.242
        assertEquals("Paris", points.get(1).text());
        assertEquals(pa * 0.3 + (1 - pa) * 0.05, points.get(1).noAnswerProbability(), 1e-6);
        // at a high temperature p(z | q) is near uniform and Lyon wins
        assertEquals("Lyon", ModeSweep.parse(response).sweep(100).get(1).text());
    }

    public void testNoAnswerSweepFindsTheBestThreshold() {
        // answerable: right at p(no answer) 0.2, half right (F1 0.5) at 0.6; unanswerable at 0.7 and 0.9
        List<QuestionAsker.ModeScores> scores = List.of(
            new QuestionAsker.ModeScores(new double[0], new double[0], 0.2, 1, 1, 0, new double[0]),
            new QuestionAsker.ModeScores(new double[0], new double[0], 0.6, 0, 0.5, 0, new double[0]),
            new QuestionAsker.ModeScores(new double[0], new double[0], 0.7, 0, 0, 1, new double[0]),
            new QuestionAsker.ModeScores(new double[0], new double[0], 0.9, 0, 0, 1, new double[0])
        );
        Map<String, Object> best = NoAnswerSweep.best(scores, List.of(true, true, false, false));
        // abstaining above 0.2 gives F1 3/4, above 0.6 3.5/4, above 0.7 2.5/4, never 2.5/4
        assertEquals(0.6, (Double) best.get("threshold"), 1e-9);
        assertEquals(87.5, (Double) best.get("f1"), 1e-9);
        assertEquals(75.0, (Double) best.get("em"), 1e-9);
        assertEquals(50.0, (Double) best.get("has_ans_em"), 1e-9);
        assertEquals(100.0, (Double) best.get("no_ans_accuracy"), 1e-9);
    }

    public void testSummaryPerRetrievalMode() {
        EvalReport r = new EvalReport(2);
        Map<String, QuestionAsker.ModeScores> modes = new java.util.LinkedHashMap<>();
        for (String mode : ModeSweep.MODES) {
            modes.put(mode, new QuestionAsker.ModeScores(new double[] { 0, mode.equals("hybrid") ? 1 : 0, 1 }, new double[] { 0.5, 1, 1 }, 0.1, 1, 1, 0,
                new double[ModeSweep.TEMPERATURES.length]));
        }
        r.add(new Outcome("1", true, 1, 1, 1, 1, 1, 1, 1.0, 1.0, 1.0, 1.0, false, false, modes));
        Map<String, Object> s = r.summary();
        assertEquals(List.of(0.0, 100.0, 100.0), s.get("e2e_em_at_k_hybrid"));
        assertEquals(List.of(0.0, 0.0, 100.0), s.get("e2e_em_at_k_dense"));
        assertEquals(100.0, s.get("e2e_em_hybrid"));
        assertEquals(0.0, s.get("e2e_em_bm25"));
        assertEquals(100.0, s.get("e2e_f1_bm25"));
        assertNull(s.get("no_answer_sweep_hybrid")); // no unanswerable question
        String md = EvalReport.markdown(s, Map.of("k", 2, "questions_file", "q.json", "corpus_file", "c.jsonl"));
        assertTrue(md, md.contains("| end to end, hybrid top 2 | 100.0 | 100.0 |"));
        assertTrue(md, md.contains("| hybrid | 0.0 100.0 100.0 |"));
    }

    private static Map<String, Object> reading(String id, double score, double noAnswer, Map<String, Object> span) {
        return Map.of("_index", "i", "_id", id, "passage", 0, "score", score, "no_answer_probability", noAnswer, "spans", List.of(span));
    }

    private static Map<String, Object> span(String text, double p) {
        return Map.of("text", text, "probability", p, "start", 0, "end", text.length(), "start_logit", 1.0, "end_logit", 1.0);
    }

    public void testOptions() {
        EvalOptions o = EvalOptions.parse(
            new String[] { "--corpus", "c", "--questions", "q", "--out", "o", "--k", "3", "--reuse-index", "--no-reader", "--index", "x" }
        );
        assertEquals(3, o.k);
        assertTrue(o.reuseIndex);
        assertTrue(o.noReader);
        assertEquals("x", o.index);
        expectThrows(EvalException.class, () -> EvalOptions.parse(new String[] { "--corpus", "c" }));
        expectThrows(EvalException.class, () -> EvalOptions.parse(new String[] { "--k", "0" }));
        expectThrows(EvalException.class, () -> EvalOptions.parse(new String[] { "--bogus", "1" }));
        expectThrows(EvalException.class, () -> EvalOptions.parse(new String[] { "--corpus" }));
    }

    private static Squad.Doc doc(String id, String text) {
        return new Squad.Doc(id, text, Map.of("text", text));
    }

    private static Map<String, Object> hit(String id, double score, Map<?, ?>... inner) {
        return Map.of("_id", id, "_score", score, "inner_hits", Map.of("realm_passages", Map.of("hits", Map.of("hits", List.of(inner)))));
    }

    private static Map<String, Object> inner(double score, int num) {
        return Map.of("_score", score, "_source", Map.of("num", num));
    }

    private static Outcome outcome(String id, boolean answerable, int gold, int dense, int bm25) {
        return outcome(id, answerable, gold, dense, bm25, null, null, null, null);
    }

    private static Outcome outcome(String id, boolean answerable, int gold, int dense, int bm25, Double goldEm, Double goldF1, Double em, Double f1) {
        return new Outcome(id, answerable, gold, dense, bm25, dense, dense, bm25, goldEm, goldF1, em, f1, false, false, Map.of());
    }
}
