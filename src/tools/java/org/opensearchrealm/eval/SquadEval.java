/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearchrealm.answer.AnswerNormalizer;
import org.opensearchrealm.eval.EvalReport.Outcome;
import org.opensearchrealm.eval.Squad.Doc;
import org.opensearchrealm.eval.Squad.Passage;
import org.opensearchrealm.eval.Squad.Question;
import org.opensearchrealm.eval.Squad.QuestionFile;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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
 * run by eval.sh; see {@link EvalReport} for the definitions of the numbers.
 *
 * <pre>
 * SquadEval --url URL --corpus FILE.jsonl --questions FILE.json --out DIR [--index eval] [--model all-minilm-l6-v2]
 *           [--reader ID] [--k 5] [--clients 2] [--bulk-size 32] [--max-questions N] [--reuse-index] [--no-reader]
 * </pre>
 */
public final class SquadEval {

    static final String PASSAGES = "realm_passages";
    static final int RECALL_DEPTH = 20;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Options opt;
    private final Node node;

    private SquadEval(Options opt) {
        this.opt = opt;
        this.node = new Node(opt.url);
    }

    /** A failure with a message for the user (no stack trace). */
    static final class EvalException extends RuntimeException {
        EvalException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // options

    static final class Options {
        String url = "http://127.0.0.1:9200";
        String index = "eval";
        Path corpus;
        Path questions;
        Path out;
        String model = "all-minilm-l6-v2";
        String reader;
        int k = 5;
        int clients = 2;
        int bulkSize = 32;
        int maxQuestions = 0;
        boolean reuseIndex;
        boolean noReader;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                Supplier<String> value = valueOf(args, i, a);
                switch (a) {
                    case "--url" -> o.url = value.get();
                    case "--index" -> o.index = value.get();
                    case "--corpus" -> o.corpus = Path.of(value.get());
                    case "--questions" -> o.questions = Path.of(value.get());
                    case "--out" -> o.out = Path.of(value.get());
                    case "--model" -> o.model = value.get();
                    case "--reader" -> o.reader = value.get();
                    case "--k" -> o.k = positive(a, value.get());
                    case "--clients" -> o.clients = positive(a, value.get());
                    case "--bulk-size" -> o.bulkSize = positive(a, value.get());
                    case "--max-questions" -> o.maxQuestions = Integer.parseInt(value.get());
                    case "--reuse-index" -> o.reuseIndex = true;
                    case "--no-reader" -> o.noReader = true;
                    default -> throw new EvalException("unknown argument " + a);
                }
                if (a.equals("--reuse-index") == false && a.equals("--no-reader") == false) {
                    i++;
                }
            }
            if (o.corpus == null || o.questions == null || o.out == null) {
                throw new EvalException("--corpus, --questions and --out are required");
            }
            return o;
        }

        private static Supplier<String> valueOf(String[] args, int i, String name) {
            return () -> {
                if (i + 1 >= args.length) {
                    throw new EvalException(name + " needs a value");
                }
                return args[i + 1];
            };
        }

        private static int positive(String name, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new EvalException(name + " needs a positive integer, got " + v);
        }
    }

    public static void main(String[] args) {
        try {
            new SquadEval(Options.parse(args)).run();
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

    // ---------------------------------------------------------------------------------------------------------------
    // the run

    /** A question to ask: its position in the file, the question, and the corpus documents of its paragraph. */
    record Task(int pos, Question q, List<String> docs) {}

    private void run() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(opt.out);
        for (String f : new String[] { "results.json", "results.md", "predictions.jsonl", "predictions_gold.json", "predictions_e2e.json" }) {
            Files.deleteIfExists(opt.out.resolve(f));
        }

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
        Map<String, String> clusterSettings = clusterSettings();
        int maxK = intSetting(clusterSettings, "plugins.realm.search.max_k", 100);
        int maxQueryChars = intSetting(clusterSettings, "plugins.realm.search.max_query_chars", 1000);
        if (maxK < RECALL_DEPTH || opt.k > maxK) {
            throw new EvalException("plugins.realm.search.max_k is " + maxK + ": recall needs " + RECALL_DEPTH + " and --k " + opt.k);
        }

        long tIndex = System.nanoTime();
        Map<String, Object> ingest = opt.reuseIndex ? reuseIndex(docs.size()) : buildIndex(docs);
        double indexSecs = secs(tIndex);

        // The passages of every document a question was asked on, as stored.
        Set<String> wanted = new LinkedHashSet<>();
        tasks.forEach(t -> wanted.addAll(t.docs()));
        Map<String, List<Passage>> passages = storedPassages(wanted);
        long totalPassages = countPassages(docs.size());
        Map<String, Object> indexSettings = realmSettings();

        // What the API offers: "read": false, and a reader (answers in the response).
        Question probe = tasks.get(0).q();
        boolean readFlag = node.call("POST", "/" + opt.index + "/_realm", Map.of("query", cut(probe.question(), maxQueryChars), "k", 1, "read", false)).status() == 200;
        Map<String, Object> probeResp = node.request("POST", "/" + opt.index + "/_realm", Map.of("query", cut(probe.question(), maxQueryChars), "k", 1), 200);
        // A reader shows in answers, a reader_error or a read time (an index without one gives none of them).
        Object probeTiming = probeResp.get("timing");
        boolean reader = opt.noReader == false
            && (probeResp.containsKey("answers") || probeResp.containsKey("reader_error")
                || (probeTiming instanceof Map<?, ?> tm && tm.containsKey("read")));
        if (opt.noReader) {
            log("reader: not asked (--no-reader): reader metrics are n/a");
        } else if (reader == false) {
            log("reader: _realm returns no answers (the index has no reader, or the plugin predates readers): reader metrics are n/a");
        } else {
            log("reader: _realm answers" + (probeResp.containsKey("reader_error") ? " (WARNING: with reader_error: " + probeResp.get("reader_error") + ")" : "")
                + "; dense recall asks " + (readFlag ? "with \"read\": false" : "with the reader on (the API has no \"read\" flag): slower"));
        }

        // The questions, at most --clients in flight.
        EvalReport report = new EvalReport();
        Map<String, Object>[] records = newRecords(tasks.size());
        Latencies lat = new Latencies();
        Asker asker = new Asker(passages, maxK, maxQueryChars, readFlag, reader, noAnswerMode, lat);
        log(String.format(Locale.ROOT, "asking %d questions (%d in flight): dense top %d, BM25 top %d%s", tasks.size(), opt.clients,
            RECALL_DEPTH, RECALL_DEPTH, reader ? ", reader on the gold paragraph, reader end to end (k=" + opt.k + ")" : ""));
        long tAsk = System.nanoTime();
        Progress progress = new Progress("questions", tasks.size(), "questions");
        AtomicReference<Exception> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(opt.clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Task t : tasks) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return;
                    }
                    try {
                        Map<String, Object> rec = new LinkedHashMap<>();
                        report.add(asker.ask(t, rec));
                        records[t.pos()] = rec;
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            while (true) {
                boolean done = futures.stream().allMatch(Future::isDone);
                progress.update(report.size(), done, report.running());
                if (done || failure.get() != null) {
                    break;
                }
                Thread.sleep(200);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        double askSecs = secs(tAsk);
        writePredictions(tasks, records);
        if (failure.get() != null) {
            Exception e = failure.get();
            throw e instanceof EvalException ? e : new EvalException("question failed: " + e);
        }

        // Summary.
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("corpus_file", opt.corpus.getFileName().toString());
        meta.put("questions_file", opt.questions.getFileName().toString());
        meta.put("model", opt.model);
        meta.put("reader", reader ? indexSettings.getOrDefault("index.realm.reader", opt.reader == null ? "index default" : opt.reader) : null);
        meta.put("k", opt.k);
        meta.put("documents", docs.size());
        meta.put("passages", totalPassages);
        meta.put("questions_skipped_not_in_corpus", skipped.size());

        Map<String, Object> results = report.summary();
        results.put("questions_in_file", file.questions().size());
        results.put("questions_skipped_not_in_corpus", skipped.size());
        results.put("squad_version", file.version());
        results.put("no_answer_mode", noAnswerMode);
        results.put("reader_available", reader);
        results.put("read_flag_supported", readFlag);
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
        results.put("time", java.time.OffsetDateTime.now().withNano(0).toString());
        String markdown = EvalReport.markdown(results, meta);
        results.put("markdown", markdown);

        writeJson(opt.out.resolve("results.json"), results, true);
        Files.writeString(opt.out.resolve("results.md"), markdown, StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(markdown);
        System.out.println();
        System.out.flush();
        log(String.format(Locale.ROOT, "done in %s (indexing %s, questions %s at %.1f/s); written %s/results.json, results.md, predictions.jsonl",
            fmtSecs(secs(t0)), fmtSecs(indexSecs), fmtSecs(askSecs), tasks.size() / askSecs, opt.out));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // asking one question

    /** Request latencies per kind, milliseconds. */
    static final class Latencies {
        private final Map<String, List<Double>> ms = new LinkedHashMap<>();

        synchronized void add(String kind, double v) {
            ms.computeIfAbsent(kind, x -> new ArrayList<>()).add(v);
        }

        synchronized Map<String, Object> summary() {
            Map<String, Object> out = new LinkedHashMap<>();
            ms.forEach((kind, values) -> {
                List<Double> v = new ArrayList<>(values);
                Collections.sort(v);
                out.put(kind + "_ms_p50", round(v.get(v.size() / 2), 1));
                out.put(kind + "_ms_p90", round(v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.9) - 1)), 1));
            });
            return out;
        }
    }

    final class Asker {
        private final Map<String, List<Passage>> passages;
        private final int maxK;
        private final int maxQueryChars;
        private final boolean readFlag;
        private final boolean reader;
        private final boolean noAnswerMode;
        private final Latencies lat;

        Asker(Map<String, List<Passage>> passages, int maxK, int maxQueryChars, boolean readFlag, boolean reader, boolean noAnswerMode, Latencies lat) {
            this.passages = passages;
            this.maxK = maxK;
            this.maxQueryChars = maxQueryChars;
            this.readFlag = readFlag;
            this.reader = reader;
            this.noAnswerMode = noAnswerMode;
            this.lat = lat;
        }

        Outcome ask(Task t, Map<String, Object> rec) {
            Question q = t.q();
            String query = cut(q.question(), maxQueryChars);
            Map<String, Set<Integer>> gold = new LinkedHashMap<>();
            int goldCount = 0;
            for (String doc : t.docs()) {
                Set<Integer> g = q.answerable() ? Squad.goldPassages(passages.getOrDefault(doc, List.of()), q.answers()) : Set.of();
                gold.put(doc, g);
                goldCount += g.size();
            }
            Set<String> goldDocs = new LinkedHashSet<>(t.docs());

            // dense
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("query", query);
            body.put("k", RECALL_DEPTH);
            if (readFlag) {
                body.put("read", false);
            }
            List<Map.Entry<String, Integer>> dense = realmPassages(timed("dense", () -> node.request("POST", "/" + opt.index + "/_realm", body, 200)));
            // BM25
            List<Map.Entry<String, Integer>> bm25 = bm25Passages(timed("bm25", () -> node.request("POST", "/" + opt.index + "/_search", bm25Body(query, RECALL_DEPTH), 200)));

            rec.put("id", q.id());
            rec.put("question", q.question());
            rec.put("answers", q.answers());
            rec.put("docs", t.docs());
            rec.put("gold_passages", gold);
            int denseRank = Squad.firstGoldRank(dense, gold);
            int bm25Rank = Squad.firstGoldRank(bm25, gold);
            rec.put("dense_rank", denseRank);
            rec.put("bm25_rank", bm25Rank);
            rec.put("dense", hitsForRecord(dense));
            rec.put("bm25", hitsForRecord(bm25));

            Double goldEm = null, goldF1 = null, e2eEm = null, e2eF1 = null;
            boolean goldError = false, e2eError = false;
            if (reader) {
                List<String> golds = q.answerable() ? q.answers() : List.of("");
                String goldDoc = t.docs().get(0);
                int n = passages.getOrDefault(goldDoc, List.of()).size();
                Prediction gp;
                if (n == 0) {
                    gp = new Prediction("", true, false, null);
                } else {
                    Map<String, Object> gb = new LinkedHashMap<>();
                    gb.put("query", query);
                    gb.put("k", Math.min(n, maxK));
                    gb.put("filter", Map.of("ids", Map.of("values", List.of(goldDoc))));
                    gp = prediction(timed("reader_gold", () -> node.request("POST", "/" + opt.index + "/_realm", gb, 200)));
                }
                Map<String, Object> eb = new LinkedHashMap<>();
                eb.put("query", query);
                eb.put("k", opt.k);
                Prediction ep = prediction(timed("e2e", () -> node.request("POST", "/" + opt.index + "/_realm", eb, 200)));
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
            }
            return new Outcome(q.id(), q.answerable(), goldCount, denseRank, bm25Rank, Squad.firstDocRank(dense, goldDocs),
                Squad.firstDocRank(bm25, goldDocs), goldEm, goldF1, e2eEm, e2eF1, goldError, e2eError);
        }

        private Map<String, Object> timed(String kind, Supplier<Map<String, Object>> call) {
            long t = System.nanoTime();
            Map<String, Object> r = call.get();
            lat.add(kind, (System.nanoTime() - t) / 1e6);
            return r;
        }

        /**
         * The top answer of a {@code _realm} response. With a SQuAD 2.0 file, "no answer" ({@code no_answer: true})
         * predicts the empty answer; with a SQuAD 1.1 file every question has an answer, so the best span is taken
         * whatever the no-answer probability (as the 1.1 evaluation expects of a system).
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

    record Prediction(String text, boolean noAnswer, boolean hadAnswers, Object error) {}

    /** The (document id, passage number) list of a {@code _realm} response, best first. */
    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Integer>> realmPassages(Map<String, Object> resp) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (Object o : (List<Object>) resp.getOrDefault("passages", List.of())) {
            Map<String, Object> p = (Map<String, Object>) o;
            out.add(Map.entry(String.valueOf(p.get("_id")), ((Number) p.get("passage")).intValue()));
        }
        return out;
    }

    /**
     * BM25 over the same passages: a nested {@code match} on the passage text, the top k documents by their best
     * passage with their matching passages as inner hits, then the top k passages across documents, as the plugin's
     * Retriever ranks k-NN hits.
     */
    static Map<String, Object> bm25Body(String query, int k) {
        Map<String, Object> innerHits = Map.of("size", k, "_source", Map.of("includes", List.of(PASSAGES + ".num")));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("path", PASSAGES);
        nested.put("score_mode", "max");
        nested.put("query", Map.of("match", Map.of(PASSAGES + ".text", Map.of("query", query))));
        nested.put("inner_hits", innerHits);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("size", k);
        body.put("_source", false);
        body.put("track_total_hits", false);
        body.put("query", Map.of("nested", nested));
        return body;
    }

    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Integer>> bm25Passages(Map<String, Object> resp) {
        record Scored(double score, int order, String id, int num) {}
        List<Scored> found = new ArrayList<>();
        Map<String, Object> hits = (Map<String, Object>) resp.getOrDefault("hits", Map.of());
        for (Object h : (List<Object>) hits.getOrDefault("hits", List.of())) {
            Map<String, Object> hit = (Map<String, Object>) h;
            Map<String, Object> inner = (Map<String, Object>) ((Map<String, Object>) hit.getOrDefault("inner_hits", Map.of())).get(PASSAGES);
            if (inner == null) {
                continue;
            }
            for (Object ph : (List<Object>) ((Map<String, Object>) inner.get("hits")).get("hits")) {
                Map<String, Object> p = (Map<String, Object>) ph;
                Map<String, Object> src = (Map<String, Object>) p.get("_source");
                found.add(new Scored(((Number) p.get("_score")).doubleValue(), found.size(), String.valueOf(hit.get("_id")),
                    ((Number) src.get("num")).intValue()));
            }
        }
        // best score first; ties keep the search's order (documents by score, passages within)
        found.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score()) : Integer.compare(a.order(), b.order()));
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (int i = 0; i < Math.min(RECALL_DEPTH, found.size()); i++) {
            out.add(Map.entry(found.get(i).id(), found.get(i).num()));
        }
        return out;
    }

    private static List<String> hitsForRecord(List<Map.Entry<String, Integer>> hits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(5, hits.size()); i++) {
            out.add(hits.get(i).getKey() + "/" + hits.get(i).getValue());
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // index

    private Map<String, Object> buildIndex(List<Doc> docs) throws Exception {
        node.call("DELETE", "/" + opt.index, null);
        node.call("DELETE", "/_ingest/pipeline/realm-" + opt.index, null);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("source_field", "text");
        create.put("model", opt.model);
        if (opt.reader != null) {
            create.put("reader", opt.reader);
        }
        create.put("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0));
        Map<String, Object> created = node.request("PUT", "/_plugins/_realm/indices/" + opt.index, create, 200);
        log("created REALM index " + opt.index + ": " + toJson(created, false));

        List<List<Doc>> chunks = new ArrayList<>();
        for (int i = 0; i < docs.size(); i += opt.bulkSize) {
            chunks.add(docs.subList(i, Math.min(docs.size(), i + opt.bulkSize)));
        }
        log(String.format(Locale.ROOT, "indexing %d documents: %d _bulk requests of %d, %d in flight (passages are embedded on the node)",
            docs.size(), chunks.size(), opt.bulkSize, opt.clients));
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Progress progress = new Progress("indexing", docs.size(), "docs");
        long t = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(opt.clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (List<Doc> chunk : chunks) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return;
                    }
                    try {
                        bulk(chunk);
                        done.addAndGet(chunk.size());
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            while (true) {
                boolean all = futures.stream().allMatch(Future::isDone);
                progress.update(done.get(), all, null);
                if (all || failure.get() != null) {
                    break;
                }
                Thread.sleep(200);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double secs = secs(t);
        node.request("POST", "/" + opt.index + "/_refresh", null, 200);
        long count = count();
        if (count != docs.size()) {
            throw new EvalException(opt.index + " holds " + count + " documents after indexing " + docs.size());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seconds", round(secs, 1));
        out.put("docs_per_s", round(docs.size() / secs, 2));
        out.put("bulk_size", opt.bulkSize);
        out.put("clients", opt.clients);
        return out;
    }

    private void bulk(List<Doc> chunk) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Doc d : chunk) {
            b.append(toJson(Map.of("index", Map.of("_index", opt.index, "_id", d.id())), false)).append('\n');
            b.append(toJson(d.source(), false)).append('\n');
        }
        Map<String, Object> resp = node.request("POST", "/_bulk", b.toString(), 200);
        if (Boolean.TRUE.equals(resp.get("errors"))) {
            @SuppressWarnings("unchecked")
            List<Map<String, Map<String, Object>>> items = (List<Map<String, Map<String, Object>>>) resp.get("items");
            List<Map<String, Object>> failed = items.stream().map(i -> i.values().iterator().next()).filter(i -> i.containsKey("error")).toList();
            throw new EvalException("bulk: " + failed.size() + " of " + chunk.size() + " documents failed; first (" + failed.get(0).get("_id") + "): "
                + abbreviate(toJson(Map.of("error", failed.get(0).get("error")), false), 600));
        }
    }

    private Map<String, Object> reuseIndex(int docs) {
        Node.Response r = node.call("GET", "/" + opt.index + "/_count", null);
        if (r.status() == 404) {
            throw new EvalException("--reuse-index: there is no index " + opt.index + " (run without --reuse-index to build it)");
        }
        long count = count();
        if (count != docs) {
            throw new EvalException("--reuse-index: " + opt.index + " holds " + count + " documents, the corpus " + docs + " (run without --reuse-index)");
        }
        log("reusing index " + opt.index + " (" + count + " documents) as it is");
        return Map.of("reused", true);
    }

    private long count() {
        return ((Number) node.request("GET", "/" + opt.index + "/_count", null, 200).get("count")).longValue();
    }

    /** Passages = Lucene documents (sources and their nested passages) minus sources. */
    @SuppressWarnings("unchecked")
    private long countPassages(long docs) {
        Map<String, Object> st = node.request("GET", "/" + opt.index + "/_stats/docs", null, 200);
        Map<String, Object> all = (Map<String, Object>) ((Map<String, Object>) st.get("_all")).get("primaries");
        return ((Number) ((Map<String, Object>) all.get("docs")).get("count")).longValue() - docs;
    }

    @SuppressWarnings("unchecked")
    private Map<String, List<Passage>> storedPassages(Set<String> ids) {
        Map<String, List<Passage>> out = new HashMap<>();
        List<String> list = new ArrayList<>(ids);
        for (int i = 0; i < list.size(); i += 500) {
            List<String> batch = list.subList(i, Math.min(list.size(), i + 500));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("query", Map.of("ids", Map.of("values", batch)));
            body.put("size", batch.size());
            body.put("_source", Map.of("includes", List.of(PASSAGES + ".num", PASSAGES + ".text")));
            Map<String, Object> resp = node.request("POST", "/" + opt.index + "/_search", body, 200);
            for (Object h : (List<Object>) ((Map<String, Object>) resp.get("hits")).get("hits")) {
                Map<String, Object> hit = (Map<String, Object>) h;
                List<Passage> ps = new ArrayList<>();
                Map<String, Object> src = (Map<String, Object>) hit.getOrDefault("_source", Map.of());
                for (Object p : (List<Object>) src.getOrDefault(PASSAGES, List.of())) {
                    Map<String, Object> m = (Map<String, Object>) p;
                    ps.add(new Passage(((Number) m.get("num")).intValue(), String.valueOf(m.get("text"))));
                }
                out.put(String.valueOf(hit.get("_id")), ps);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> clusterSettings() {
        Map<String, Object> s = node.request("GET", "/_cluster/settings?include_defaults=true&flat_settings=true", null, 200);
        Map<String, String> merged = new HashMap<>();
        for (String part : new String[] { "defaults", "persistent", "transient" }) {
            ((Map<String, Object>) s.getOrDefault(part, Map.of())).forEach((k, v) -> merged.put(k, String.valueOf(v)));
        }
        return merged;
    }

    /** The index's {@code index.realm.*} settings (model, source field, and a reader when the plugin has one). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> realmSettings() {
        Map<String, Object> s = node.request("GET", "/" + opt.index + "/_settings?flat_settings=true", null, 200);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object idx : s.values()) {
            Map<String, Object> settings = (Map<String, Object>) ((Map<String, Object>) idx).get("settings");
            settings.forEach((k, v) -> {
                if (k.startsWith("index.realm.")) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    private static int intSetting(Map<String, String> s, String key, int dflt) {
        try {
            return s.containsKey(key) ? Integer.parseInt(s.get(key)) : dflt;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // output

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] newRecords(int n) {
        return (Map<String, Object>[]) new Map<?, ?>[n];
    }

    private void writePredictions(List<Task> tasks, Map<String, Object>[] records) throws IOException {
        Map<String, Object> gold = new LinkedHashMap<>();
        Map<String, Object> e2e = new LinkedHashMap<>();
        try (BufferedWriter w = Files.newBufferedWriter(opt.out.resolve("predictions.jsonl"), StandardCharsets.UTF_8)) {
            for (Task t : tasks) {
                Map<String, Object> rec = records[t.pos()];
                if (rec == null) {
                    continue;
                }
                w.write(toJson(rec, false));
                w.write('\n');
                if (rec.containsKey("gold_prediction")) {
                    gold.put(t.q().id(), rec.get("gold_prediction"));
                    e2e.put(t.q().id(), rec.get("e2e_prediction"));
                }
            }
        }
        // The official SQuAD evaluation's prediction format ({question id: answer text}), to cross-check with its script.
        if (gold.isEmpty() == false) {
            writeJson(opt.out.resolve("predictions_gold.json"), gold, false);
            writeJson(opt.out.resolve("predictions_e2e.json"), e2e, false);
        }
    }

    static String toJson(Map<String, ?> map, boolean pretty) throws IOException {
        XContentBuilder b = JsonXContent.contentBuilder();
        if (pretty) {
            b.prettyPrint();
        }
        b.map(map);
        return BytesReference.bytes(b).utf8ToString();
    }

    private static void writeJson(Path path, Map<String, ?> map, boolean pretty) throws IOException {
        Files.writeString(path, toJson(map, pretty) + "\n", StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    /** Progress lines at most every 5 seconds, and the last one: done/total, rate, elapsed, time left, extra. */
    static final class Progress {
        private final String what;
        private final int total;
        private final String unit;
        private final long start = System.nanoTime();
        private long last = start;
        private boolean finished;

        Progress(String what, int total, String unit) {
            this.what = what;
            this.total = total;
            this.unit = unit;
        }

        void update(int done, boolean force, String extra) {
            long now = System.nanoTime();
            if (finished || (force == false && now - last < 5_000_000_000L)) {
                return;
            }
            finished = force;
            last = now;
            double secs = (now - start) / 1e9;
            double rate = secs > 0 ? done / secs : 0;
            String left = rate > 0 ? "~" + fmtSecs((total - done) / rate) + " left" : "time left unknown";
            log(String.format(Locale.ROOT, "%s: %d/%d %s (%d%%), %.1f %s/s, elapsed %s, %s%s", what, done, total, unit, 100L * done / Math.max(1, total),
                rate, unit, fmtSecs(secs), left, extra == null || extra.isEmpty() ? "" : "; " + extra));
        }
    }

    /** A JSON-over-HTTP client for one node: no proxy, HTTP/1.1 keep-alive, 429 retried with backoff. Thread-safe. */
    static final class Node {
        record Response(int status, String body) {
            Map<String, Object> json() {
                return body.isEmpty() ? Map.of() : XContentHelper.convertToMap(JsonXContent.jsonXContent, body, false);
            }
        }

        private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
        private final String base;

        Node(String url) {
            String u = url.contains("://") ? url : "http://" + url;
            this.base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        }

        /** A request whose status must be one of ok; its JSON body. */
        Map<String, Object> request(String method, String path, Object body, int... ok) {
            Response r = call(method, path, body);
            for (int s : ok) {
                if (r.status() == s) {
                    return r.json();
                }
            }
            throw new EvalException(method + " " + path + " -> HTTP " + r.status() + ": " + reason(r.body()));
        }

        /** Any status; a Map body is sent as JSON, a String as NDJSON. */
        Response call(String method, String path, Object body) {
            HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
            String type = "application/json";
            try {
                if (body instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> map = (Map<String, ?>) m;
                    publisher = HttpRequest.BodyPublishers.ofString(toJson(map, false), StandardCharsets.UTF_8);
                } else if (body instanceof String s) {
                    publisher = HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
                    type = "application/x-ndjson";
                }
            } catch (IOException e) {
                throw new EvalException("cannot serialise a request: " + e);
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", type)
                .method(method, publisher)
                .build();
            long backoff = 250;
            for (int attempt = 0;; attempt++) {
                HttpResponse<String> resp;
                try {
                    resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (ConnectException e) {
                    throw new EvalException("no node answers on " + base + " (" + e + ")");
                } catch (IOException e) {
                    if (attempt < 2) {
                        continue; // a keep-alive connection the node closed: requests here are idempotent
                    }
                    throw new EvalException(method + " " + path + ": " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EvalException("interrupted");
                }
                if (resp.statusCode() == 429 && attempt < 12) {
                    sleep(backoff); // the node's inference queue is full: wait and retry
                    backoff = Math.min(10_000, backoff * 2);
                    continue;
                }
                return new Response(resp.statusCode(), resp.body());
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EvalException("interrupted");
            }
        }

        @SuppressWarnings("unchecked")
        private static String reason(String body) {
            try {
                Object err = XContentHelper.convertToMap(JsonXContent.jsonXContent, body, false).get("error");
                if (err instanceof Map<?, ?> m) {
                    List<Object> root = (List<Object>) m.get("root_cause");
                    Map<String, Object> first = root == null || root.isEmpty() ? (Map<String, Object>) m : (Map<String, Object>) root.get(0);
                    return first.get("type") + ": " + first.get("reason");
                }
                if (err != null) {
                    return String.valueOf(err);
                }
            } catch (RuntimeException e) {
                // not JSON
            }
            return abbreviate(body, 600);
        }
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    static String abbreviate(String s, int max) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String fmtSecs(double secs) {
        long s = Math.round(secs);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    static void log(String msg) {
        System.err.println("[" + LocalTime.now().format(CLOCK) + " eval] " + msg);
        System.err.flush();
    }
}
