/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearchrealm.answer.AnswerNormalizer;
import org.opensearchrealm.settings.RealmSettings;
import org.opensearchrealm.eval.QuestionAsker.ReaderUse;
import org.opensearchrealm.eval.QuestionAsker.Task;
import org.opensearchrealm.eval.Squad.Doc;
import org.opensearchrealm.eval.Squad.Passage;
import org.opensearchrealm.eval.Squad.Question;
import org.opensearchrealm.eval.Squad.QuestionFile;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.opensearchrealm.eval.EvalLog.abbreviate;
import static org.opensearchrealm.eval.EvalLog.fmtSecs;
import static org.opensearchrealm.eval.EvalLog.log;
import static org.opensearchrealm.eval.EvalLog.secs;
import static org.opensearchrealm.eval.EvalReport.round;
import static org.opensearchrealm.eval.Retrieval.RECALL_DEPTH;

/**
 * The evaluation command behind {@code integ-test/eval.sh}: against a live node, index a corpus into a REALM index,
 * ask every question of a SQuAD file (v1.1 or v2.0) and score
 * <ul>
 *   <li>the reader on the gold paragraph: {@code _realm} filtered to the document of the question's paragraph, with
 *       k covering all its passages, top answer;</li>
 *   <li>the reader end to end: plain {@code _realm} with k passages, top answer;</li>
 *   <li>retrieval recall@1/5/20 of the dense retriever ({@code _realm} passages) and of BM25 (a nested {@code match}
 *       on the same passages, ranked across documents as the plugin ranks k-NN hits).</li>
 * </ul>
 * Scoring uses {@link AnswerNormalizer}, the plugin's own implementation of the official SQuAD normalisation, so
 * the evaluator and the plugin's answer merging can never disagree on what "the same answer" is. Not a test: a main
 * run by eval.sh; see {@link EvalReport} for the definitions of the numbers. The parts: {@link EvalOptions} (the
 * command line), {@link NodeClient} (HTTP), {@link CorpusIndex} (indexing), {@link QuestionAsker} with
 * {@link Retrieval} (asking), {@link EvalOutput} (the files).
 *
 * <pre>
 * SquadEval --url URL --corpus FILE.jsonl --questions FILE.json --out DIR [--index eval] [--model all-minilm-l6-v2]
 *           [--reader ID] [--k 5] [--clients 2] [--bulk-size 32] [--max-questions N] [--reuse-index] [--no-reader]
 * </pre>
 */
public final class SquadEval {

    private final EvalOptions opt;
    private final NodeClient node;
    private final EvalOutput output;

    private SquadEval(EvalOptions opt) {
        this.opt = opt;
        this.node = new NodeClient(opt.url);
        this.output = new EvalOutput(opt.out);
    }

    public static void main(String[] args) {
        try {
            new SquadEval(EvalOptions.parse(args)).run();
        } catch (EvalException e) {
            log("ERROR: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            log("ERROR: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        output.clear();

        log("reading " + opt.corpus);
        List<Doc> docs = Squad.readCorpus(opt.corpus, "text");
        if (docs.isEmpty()) {
            throw new EvalException("no documents in " + opt.corpus);
        }
        log("reading " + opt.questions);
        QuestionFile file = Squad.readQuestions(opt.questions);
        List<Question> all = file.questions();
        if (opt.maxQuestions > 0 && all.size() > opt.maxQuestions) {
            all = all.subList(0, opt.maxQuestions);
        }
        if (all.isEmpty()) {
            throw new EvalException("no questions in " + opt.questions);
        }
        Squad.ParagraphMatcher matcher = new Squad.ParagraphMatcher(docs);
        List<Task> tasks = new ArrayList<>();
        List<Question> skipped = new ArrayList<>();
        for (Question q : all) {
            List<String> ids = matcher.match(q.context());
            if (ids.isEmpty()) {
                skipped.add(q);
            } else {
                tasks.add(new Task(tasks.size(), q, ids));
            }
        }
        boolean noAnswerMode = file.allowsNoAnswer();
        log(String.format(Locale.ROOT, "%d documents; %d questions (SQuAD %s%s), %d answerable, %d unanswerable", docs.size(), all.size(),
            file.version().isEmpty() ? "?" : file.version(), noAnswerMode ? ", with no-answer" : "",
            all.stream().filter(Question::answerable).count(), all.stream().filter(q -> q.answerable() == false).count()));
        if (skipped.isEmpty() == false) {
            log(String.format(Locale.ROOT, "WARNING: %d of %d questions are skipped: their paragraph is not in the corpus (first: %s %s)",
                skipped.size(), all.size(), skipped.get(0).id(), abbreviate(skipped.get(0).context(), 80)));
        }
        if (tasks.isEmpty()) {
            throw new EvalException("no question was asked on a paragraph of the corpus: nothing to evaluate");
        }

        node.request("GET", "/", null, 200);
        SearchLimits limits = SearchLimits.of(node);
        if (limits.maxK() < RECALL_DEPTH || opt.k > limits.maxK()) {
            throw new EvalException("plugins.realm.search.max_k is " + limits.maxK() + ": recall needs " + RECALL_DEPTH + " and --k " + opt.k);
        }

        CorpusIndex index = new CorpusIndex(node, opt);
        long tIndex = System.nanoTime();
        Map<String, Object> ingest = opt.reuseIndex ? index.reuse(docs.size()) : index.build(docs);
        double indexSecs = secs(tIndex);

        // The passages of every document a question was asked on, as stored.
        Set<String> wanted = new LinkedHashSet<>();
        tasks.forEach(t -> wanted.addAll(t.docs()));
        Map<String, List<Passage>> passages = index.storedPassages(wanted);
        long totalPassages = index.countPassages(docs.size());
        Map<String, Object> indexSettings = index.realmSettings();
        ReaderUse use = probeReader(limits.query(tasks.get(0).q().question()));

        // The questions, at most --clients in flight.
        EvalReport report = new EvalReport(opt.k);
        Map<String, Object>[] records = newRecords(tasks.size());
        Latencies lat = new Latencies();
        QuestionAsker.Scoring scoring = scoring(limits.query(tasks.get(0).q().question()), indexSettings);
        log("answers scored as the index scores them: " + scoring);
        QuestionAsker asker = new QuestionAsker(node, opt, passages, limits, use, noAnswerMode, lat, scoring);
        log(String.format(Locale.ROOT, "asking %d questions (%d in flight): dense top %d, BM25 top %d%s", tasks.size(), opt.clients,
            RECALL_DEPTH, RECALL_DEPTH, use.reader() ? ", reader on the gold paragraph, reader end to end (k=" + opt.k + ")" : ""));
        long tAsk = System.nanoTime();
        Exception failure = InFlight.run(tasks, opt.clients, t -> {
            Map<String, Object> rec = new LinkedHashMap<>();
            report.add(asker.ask(t, rec));
            records[t.pos()] = rec;
        }, new Progress("questions", tasks.size(), "questions"), report::size, report::running);
        double askSecs = secs(tAsk);
        output.writePredictions(tasks, records);
        if (failure != null) {
            throw failure instanceof EvalException ? failure : new EvalException("question failed: " + failure);
        }

        // Summary.
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("corpus_file", opt.corpus.getFileName().toString());
        meta.put("questions_file", opt.questions.getFileName().toString());
        meta.put("model", opt.model);
        meta.put("reader", use.reader() ? indexSettings.getOrDefault("index.realm.reader", opt.reader == null ? "index default" : opt.reader) : null);
        meta.put("k", opt.k);
        meta.put("documents", docs.size());
        meta.put("passages", totalPassages);
        meta.put("questions_skipped_not_in_corpus", skipped.size());

        Map<String, Object> results = report.summary();
        results.put("questions_in_file", file.questions().size());
        results.put("questions_skipped_not_in_corpus", skipped.size());
        results.put("squad_version", file.version());
        results.put("no_answer_mode", noAnswerMode);
        results.put("reader_available", use.reader());
        results.put("read_flag_supported", use.readFlag());
        results.put("k", opt.k);
        results.put("recall_depth", RECALL_DEPTH);
        results.put("units", "percent (recall, EM, F1); MRR as a fraction");
        results.put("corpus", opt.corpus.toAbsolutePath().toString());
        results.put("questions_path", opt.questions.toAbsolutePath().toString());
        results.put("url", opt.url);
        results.put("index", opt.index);
        results.put("model", opt.model);
        results.put("index_settings", indexSettings);
        results.put("documents", docs.size());
        results.put("passages", totalPassages);
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("total_s", round(secs(t0), 1));
        timing.put("index_s", round(indexSecs, 1));
        timing.put("questions_s", round(askSecs, 1));
        timing.put("questions_per_s", round(tasks.size() / askSecs, 2));
        timing.put("clients", opt.clients);
        timing.putAll(lat.summary());
        results.put("timing", timing);
        results.put("ingest", ingest);
        results.put("time", OffsetDateTime.now().withNano(0).toString());
        String markdown = EvalReport.markdown(results, meta);
        results.put("markdown", markdown);

        output.writeResults(results, markdown);
        System.out.println();
        System.out.print(markdown);
        System.out.println();
        System.out.flush();
        log(String.format(Locale.ROOT, "done in %s (indexing %s, questions %s at %.1f/s); written %s/results.json, results.md, predictions.jsonl",
            fmtSecs(secs(t0)), fmtSecs(indexSecs), fmtSecs(askSecs), tasks.size() / askSecs, opt.out));
    }

    /** What the API offers, asked with the first question: {@code "read": false}, and a reader (answers in the response). */
    private ReaderUse probeReader(String query) {
        String realm = "/" + opt.index + "/_realm";
        boolean readFlag = node.call("POST", realm, Map.of("query", query, "k", 1, "read", false)).status() == 200;
        Map<String, Object> probe = node.request("POST", realm, Map.of("query", query, "k", 1), 200);
        // A reader shows in answers, a reader_error or a read time (an index without one gives none of them).
        Object timing = probe.get("timing");
        boolean reader = opt.noReader == false
            && (probe.containsKey("answers") || probe.containsKey("reader_error") || (timing instanceof Map<?, ?> tm && tm.containsKey("read")));
        if (opt.noReader) {
            log("reader: not asked (--no-reader): reader metrics are n/a");
        } else if (reader == false) {
            log("reader: _realm returns no answers (the index has no reader, or the plugin predates readers): reader metrics are n/a");
        } else {
            log("reader: _realm answers" + (probe.containsKey("reader_error") ? " (WARNING: with reader_error: " + probe.get("reader_error") + ")" : "")
                + "; dense recall asks " + (readFlag ? "with \"read\": false" : "with the reader on (the API has no \"read\" flag): slower"));
        }
        return new ReaderUse(readFlag, reader);
    }

    /**
     * The index's temperature, and the no-answer threshold its reads apply: an explained {@code _realm} says it (the
     * index's own setting, else its reader's calibrated one); an older plugin does not, and the setting is taken.
     */
    private QuestionAsker.Scoring scoring(String query, Map<String, Object> indexSettings) {
        double temperature = Double.parseDouble(
            String.valueOf(indexSettings.getOrDefault("index.realm.retrieval_temperature", RealmSettings.DEFAULT_TEMPERATURE))
        );
        double threshold = Double.parseDouble(
            String.valueOf(indexSettings.getOrDefault("index.realm.no_answer_threshold", RealmSettings.DEFAULT_NO_ANSWER_THRESHOLD))
        );
        Map<String, Object> explained = node.request("POST", "/" + opt.index + "/_realm", Map.of("query", query, "k", 1, "explain", true), 200);
        if (explained.get("reader") instanceof Map<?, ?> reader && reader.get("no_answer_threshold") instanceof Number applied) {
            threshold = applied.doubleValue();
        }
        return new QuestionAsker.Scoring(temperature, threshold);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] newRecords(int n) {
        return (Map<String, Object>[]) new Map<?, ?>[n];
    }
}
