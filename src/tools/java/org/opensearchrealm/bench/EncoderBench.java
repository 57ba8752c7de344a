/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.bench;

import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearchrealm.model.Encoder;
import org.opensearchrealm.model.Encoder.TextKind;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.read.ExtractiveReader;
import org.opensearchrealm.settings.ModelSettings;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bare encoder side of {@code integ-test/bench.sh}: loads a model through {@link ModelRegistry} from a plugin home
 * (the plugin as installed in the benchmark's distribution, so the same jars, natives and model files as the node)
 * and measures it without OpenSearch around it. Not a test: a main run by bench.sh.
 *
 * <pre>
 * EncoderBench passages --home DIR --model ID --in passages.jsonl --out result.json [--threads 2] [--batch 32] [--intra-op 1]
 *                       [--modes global,grouped]
 * EncoderBench queries  --home DIR --model ID --in questions.jsonl --out vectors.jsonl [--rounds 1]
 * </pre>
 *
 * <p>{@code passages}: input lines {@code {"g": group, "text": "..."}} (the group is the bulk request the passage's
 * document was sent in). The passages are embedded twice, each the way the node's {@code InferenceService} does it:
 * sorted by length, cut into batches of {@code --batch}, the batches run on a pool of {@code --threads} threads, one
 * intra-op thread per call. Run "global" sorts all passages together (the best a dedicated offline encoder could do);
 * run "grouped" sorts and batches within each group, as the node does for each {@code _bulk} request, with every
 * group's batches queued at once (a pool that never waits for a client). The difference between the two is the cost
 * of per-request batching (padding, partial batches); what the node loses beyond "grouped" is everything else.
 *
 * <p>{@code queries}: input lines {@code {"q": "..."}}; each question is embedded alone on the calling thread,
 * {@code --rounds} times (round-major order, after a warm-up), and the output has one line per question:
 * {@code {"i": n, "ms": [per round], "vector": [...]}}.
 */
public final class EncoderBench {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private EncoderBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("no mode");
        }
        String mode = args[0];
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (args[i].startsWith("--") == false || i + 1 >= args.length) {
                usage("bad argument " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        Path home = Path.of(required(opts, "home"));
        String modelId = required(opts, "model");
        Path in = Path.of(required(opts, "in"));
        Path out = Path.of(required(opts, "out"));
        int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
        int batch = Integer.parseInt(opts.getOrDefault("batch", "32"));
        int intraOp = Integer.parseInt(opts.getOrDefault("intra-op", "1"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
        String modes = opts.getOrDefault("modes", "global,grouped");
        Path cache = Path.of(opts.getOrDefault("cache", System.getProperty("java.io.tmpdir") + "/realm-bench-djl"));
        Path config = Path.of(opts.getOrDefault("config", cache.resolve("no-config").toString()));

        Settings settings = Settings.builder()
            .put(ModelSettings.INTRA_OP_THREADS.getKey(), intraOp)
            .put(ModelSettings.MAX_BATCH_SIZE.getKey(), batch)
            .build();
        long t0 = System.nanoTime();
        try (ModelRegistry registry = new ModelRegistry(home, config, cache, settings, ExtractiveReader::new)) {
            Encoder encoder = registry.encoder(modelId);
            double loadMs = (System.nanoTime() - t0) / 1e6;
            log(String.format("model %s loaded from %s in %.0f ms (%d intra-op thread(s), batches of %d)", modelId, home, loadMs, intraOp, batch));
            switch (mode) {
                case "passages" -> passages(encoder, in, out, threads, batch, intraOp, loadMs, List.of(modes.split(",")));
                case "queries" -> queries(encoder, in, out, rounds);
                default -> usage("unknown mode " + mode);
            }
        }
        // DJL/ONNX Runtime may keep non-daemon threads alive: the results are written, leave.
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // passages

    private static void passages(Encoder encoder, Path in, Path out, int threads, int batch, int intraOp, double loadMs, List<String> modes)
        throws Exception {
        List<String> texts = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        for (Map<String, Object> line : readJsonLines(in)) {
            texts.add((String) line.get("text"));
            groups.add(((Number) line.get("g")).intValue());
        }
        int n = texts.size();
        if (n == 0) {
            throw new IllegalArgumentException("no passages in " + in);
        }
        long wordPieces = 0;
        for (String t : texts) {
            wordPieces += encoder.wordPieces(t).size();
        }

        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-inference");
            t.setDaemon(true);
            return t;
        });
        try {
            // Warm-up (not timed): one batch per thread, of the longest passages, so every thread's session has seen
            // the largest shapes once, as the node's has after the benchmark's warm-up bulk.
            List<Integer> longest = order(texts, allIndices(n));
            List<List<Integer>> warm = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int to = n - t * batch, from = Math.max(0, to - batch);
                if (from < to) {
                    warm.add(longest.subList(from, to));
                }
            }
            log("warm-up: " + warm.size() + " batch(es) of the longest passages");
            run(encoder, texts, warm, pool, null);

            // global: all passages sorted by length, then cut into batches
            Map<String, Object> globalRun = null;
            if (modes.contains("global")) {
                List<List<Integer>> global = cut(order(texts, allIndices(n)), batch);
                globalRun = run(encoder, texts, global, pool, "bare encode (all passages length-sorted)");
            }

            // grouped: sorted and cut within each bulk request's passages, as the node's pipeline does
            Map<Integer, List<Integer>> byGroup = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                byGroup.computeIfAbsent(groups.get(i), g -> new ArrayList<>()).add(i);
            }
            Map<String, Object> groupedRun = null;
            if (modes.contains("grouped")) {
                List<List<Integer>> grouped = new ArrayList<>();
                for (List<Integer> members : byGroup.values()) {
                    grouped.addAll(cut(order(texts, members), batch));
                }
                groupedRun = run(encoder, texts, grouped, pool, "bare encode (batched per bulk request)");
            }

            XContentBuilder b = JsonXContent.contentBuilder().startObject();
            b.field("model", encoder.descriptor().id());
            b.field("passages", n);
            b.field("groups", byGroup.size());
            b.field("mean_word_pieces", (double) wordPieces / n);
            b.field("threads", threads).field("batch", batch).field("intra_op_threads", intraOp);
            b.field("load_ms", loadMs);
            if (globalRun != null) {
                b.field("global", globalRun);
            }
            if (groupedRun != null) {
                b.field("grouped", groupedRun);
            }
            b.field("available_processors", Runtime.getRuntime().availableProcessors());
            b.endObject();
            Files.writeString(out, BytesReference.bytes(b).utf8ToString() + "\n", StandardCharsets.UTF_8);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Integer> allIndices(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    /** Indices sorted by text length (UTF-16 chars, as InferenceService sorts), stable. */
    private static List<Integer> order(List<String> texts, List<Integer> indices) {
        List<Integer> sorted = new ArrayList<>(indices);
        sorted.sort(Comparator.comparingInt(i -> texts.get(i).length()));
        return sorted;
    }

    private static List<List<Integer>> cut(List<Integer> sorted, int batch) {
        List<List<Integer>> batches = new ArrayList<>();
        for (int from = 0; from < sorted.size(); from += batch) {
            batches.add(sorted.subList(from, Math.min(sorted.size(), from + batch)));
        }
        return batches;
    }

    /** Queues every batch on the pool at once and waits for all; returns timing (null what: warm-up, no progress). */
    private static Map<String, Object> run(Encoder encoder, List<String> texts, List<List<Integer>> batches, ExecutorService pool, String what)
        throws Exception {
        int total = batches.stream().mapToInt(List::size).sum();
        AtomicInteger done = new AtomicInteger();
        ScheduledExecutorService progress = null;
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        if (what != null) {
            log(what + ": " + total + " passages in " + batches.size() + " batches");
            progress = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bench-progress");
                t.setDaemon(true);
                return t;
            });
            progress.scheduleAtFixedRate(() -> progressLine(what, done.get(), total, start), 10, 10, TimeUnit.SECONDS);
        }
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (List<Integer> members : batches) {
                futures.add(pool.submit(() -> {
                    List<String> batch = new ArrayList<>(members.size());
                    for (int i : members) {
                        batch.add(texts.get(i));
                    }
                    float[][] vectors = encoder.embed(batch, TextKind.PASSAGE);
                    if (vectors.length != batch.size() || vectors[0] == null) {
                        throw new IllegalStateException("encoder returned " + vectors.length + " vectors for " + batch.size() + " texts");
                    }
                    done.addAndGet(batch.size());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            if (progress != null) {
                progress.shutdownNow();
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double cpu = (processCpuNanos() - cpuStart) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("passages", total);
        result.put("batches", batches.size());
        result.put("secs", secs);
        result.put("passages_per_s", total / secs);
        result.put("cpu_secs", cpu);
        result.put("cores_used", cpu / secs);
        result.put("passages_per_cpu_s", cpu > 0 ? total / cpu : null);
        result.put("loadavg_before", loadBefore);
        result.put("loadavg_after", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (what != null) {
            log(String.format("%s: %d passages in %.1f s = %.1f passages/s (%.2f cores busy)", what, total, secs, total / secs, cpu / secs));
        }
        return result;
    }

    private static void progressLine(String what, int done, int total, long start) {
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = done / secs;
        String left = rate > 0 ? String.format("~%.0fs left", (total - done) / rate) : "time left unknown";
        log(String.format("%s: %d/%d passages (%d%%), %.1f/s, elapsed %.0fs, %s", what, done, total, 100L * done / total, rate, secs, left));
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // queries

    private static void queries(Encoder encoder, Path in, Path out, int rounds) throws Exception {
        List<String> questions = new ArrayList<>();
        for (Map<String, Object> line : readJsonLines(in)) {
            questions.add((String) line.get("q"));
        }
        if (questions.isEmpty()) {
            throw new IllegalArgumentException("no questions in " + in);
        }
        int n = questions.size();
        // warm-up, as the node gets before its latency is measured
        for (int i = 0; i < Math.min(5, n); i++) {
            encoder.embed(List.of(questions.get(i)), TextKind.QUERY);
        }
        double[][] ms = new double[n][rounds];
        float[][] vectors = new float[n][];
        long start = System.nanoTime(), lastLog = start;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                float[] v = encoder.embed(List.of(questions.get(i)), TextKind.QUERY)[0];
                long now = System.nanoTime();
                ms[i][r] = (now - t) / 1e6;
                vectors[i] = v;
                if (now - lastLog > 10_000_000_000L) {
                    lastLog = now;
                    int done = r * n + i + 1, total = rounds * n;
                    double secs = (now - start) / 1e9;
                    log(String.format("query encode: %d/%d (%d%%), elapsed %.0fs, ~%.0fs left", done, total, 100L * done / total, secs,
                        secs / done * (total - done)));
                }
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                XContentBuilder b = JsonXContent.contentBuilder().startObject();
                b.field("i", i).array("ms", ms[i]).field("vector", vectors[i]).endObject();
                w.write(BytesReference.bytes(b).utf8ToString());
                w.write('\n');
            }
        }
        double sum = 0;
        for (double[] row : ms) {
            for (double v : row) {
                sum += v;
            }
        }
        log(String.format("query encode: %d question(s) x %d round(s), mean %.2f ms", n, rounds, sum / (n * rounds)));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static List<Map<String, Object>> readJsonLines(Path path) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (line.isBlank() == false) {
                lines.add(XContentHelper.convertToMap(JsonXContent.jsonXContent, line, false));
            }
        }
        return lines;
    }

    private static String required(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            usage("--" + key + " is required");
        }
        return v;
    }

    private static void usage(String problem) {
        System.err.println("EncoderBench: " + problem);
        System.err.println("usage: EncoderBench passages|queries --home PLUGIN_HOME --model ID --in FILE --out FILE "
            + "[--threads 2] [--batch 32] [--intra-op 1] [--modes global,grouped] [--rounds 1] [--cache DIR] [--config DIR]");
        System.exit(2);
    }

    private static void log(String message) {
        System.err.println("[" + LocalTime.now().format(CLOCK) + " bench] " + message);
    }
}
