/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearchrealm.answer.AnswerNormalizer;
import org.opensearchrealm.model.BertQaModel;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.ModelFiles;
import org.opensearchrealm.model.NativeLibraries;
import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.model.bert.BertConfig;
import org.opensearchrealm.model.bert.BertQaBlock;
import org.opensearchrealm.model.bert.OnnxGraph;
import org.opensearchrealm.model.bert.ReaderWeights;
import org.opensearchrealm.read.ExtractiveReader;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Trains the project's extractive QA reader: an HF-style BERT initialised from a pretrained encoder's ONNX weights
 * (all-MiniLM-L6-v2 by default) plus a span head, fine-tuned on SQuAD with DJL's PyTorch engine on the CPU.
 *
 * <pre>
 * java -cp ... org.opensearchrealm.train.TrainReader [options]
 *   --plugin-home DIR     staged plugin (natives, models/): target/staging
 *   --base ID             pretrained encoder under plugin-home/models: all-minilm-l6-v2 (6 layers) | bge-small-en-v15
 *   --data DIR            SQuAD files: ../shared/data/squad
 *   --train FILE[,FILE]   training files in --data: train-v1.1.json
 *   --dev FILE            evaluation file in --data: dev-v1.1.json (gold paragraph given)
 *   --run-dir DIR         checkpoints, progress log, predictions: /work/train-run
 *   --seed N              seeds the data order, the head's initialisation and dropout: 42
 *   --epochs N --batch N --micro-batch N --lr X --warmup X --weight-decay X --clip X
 *   --max-tokens 384 --doc-stride 128 --max-query 64 --max-answer 30 --threads 2
 *                         windows as a node reads them (doc-stride: tokens shared by consecutive windows)
 *   --checkpoint-every N  steps between checkpoints (and at the end)
 *   --max-steps N         stop after N steps of this run (smoke tests)
 *   --resume              continue from run-dir/checkpoint with the same data order
 *   --eval-only           evaluate --weights (or the run's checkpoint) on --dev
 *   --weights FILE        reader weights (safetensors) for --eval-only / --export-only
 *   --eval-limit N        evaluate only the first N dev questions
 *   --export DIR          after training (or with --export-only), write the fp16 reader into DIR
 * </pre>
 *
 * Steps are optimizer steps of {@code --batch} windows (micro-batches accumulate gradients). The data order of every
 * epoch is fixed by the seed (shuffled, then grouped by length within chunks of 16 batches to cut padding), and the
 * dropout generator is re-seeded from (seed, step) at each step, so a resumed run takes the same steps as an
 * uninterrupted one.
 */
public final class TrainReader {

    private final Map<String, String> opts;
    private PrintStream log;
    private final long started = System.nanoTime();

    private TrainReader(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") == false) {
                throw new IllegalArgumentException("unexpected argument [" + a + "]");
            }
            String key = a.substring(2);
            if (Flags.BOOLEAN.contains(key)) {
                opts.put(key, "true");
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option [" + a + "] needs a value");
                }
                opts.put(key, args[++i]);
            }
        }
        for (String k : opts.keySet()) {
            if (Flags.BOOLEAN.contains(k) == false && Flags.VALUED.contains(k) == false) {
                throw new IllegalArgumentException("unknown option [--" + k + "]");
            }
        }
        new TrainReader(opts).run(String.join(" ", args));
        System.exit(0); // the engines keep non-daemon threads
    }

    static final class Flags {
        static final List<String> BOOLEAN = List.of("resume", "eval-only", "export-only");
        static final List<String> VALUED = List.of(
            "plugin-home",
            "base",
            "data",
            "train",
            "dev",
            "run-dir",
            "seed",
            "epochs",
            "batch",
            "micro-batch",
            "lr",
            "warmup",
            "weight-decay",
            "clip",
            "max-tokens",
            "doc-stride",
            "max-query",
            "max-answer",
            "threads",
            "checkpoint-every",
            "max-steps",
            "weights",
            "eval-limit",
            "export",
            "log-every",
            "dropout"
        );
    }

    private String opt(String key, String def) {
        return opts.getOrDefault(key, def);
    }

    private int intOpt(String key, int def) {
        return Integer.parseInt(opt(key, Integer.toString(def)));
    }

    private float floatOpt(String key, float def) {
        return Float.parseFloat(opt(key, Float.toString(def)));
    }

    private boolean flag(String key) {
        return opts.containsKey(key);
    }

    /**
     * One training window with its targets: the answer's first and last tokens, or 0 and 0 ({@code [CLS]}, no answer)
     * when the window does not hold the whole answer.
     */
    record Feature(QaTokenizer.Window window, int start, int end) {}

    /** The windows a node would read, made by the runtime's tokenizer with this run's window options. */
    private QaTokenizer tokenizer(byte[] tokenizerJson) throws Exception {
        return QaTokenizer.create(tokenizerJson, intOpt("max-tokens", 384), intOpt("doc-stride", 128), intOpt("max-query", 64));
    }

    private void run(String commandLine) throws Exception {
        Path runDir = Path.of(opt("run-dir", "/work/train-run")).toAbsolutePath();
        Files.createDirectories(runDir);
        log = new PrintStream(new FileOutputStream(runDir.resolve("progress.log").toFile(), true), true, StandardCharsets.UTF_8);
        print("command: TrainReader " + commandLine);

        Path home = Path.of(opt("plugin-home", "target/staging")).toAbsolutePath();
        int threads = intOpt("threads", 2);
        NativeLibraries.configure(home, runDir.resolve("djl-cache"), threads);
        String baseId = opt("base", "all-minilm-l6-v2");
        Path baseDir = home.resolve("models").resolve(baseId);
        BertConfig config = switch (baseId) {
            case "all-minilm-l6-v2" -> BertConfig.miniLmL6();
            case "bge-small-en-v15" -> BertConfig.bgeSmall();
            default -> throw new IllegalArgumentException("unknown base model [" + baseId + "]: the head count must be known");
        };
        config = config.withDropout(floatOpt("dropout", 0.1f));
        int seed = intOpt("seed", 42);
        Path data = Path.of(opt("data", "../shared/data/squad"));
        byte[] tokenizerJson = Files.readAllBytes(baseDir.resolve("tokenizer.json"));

        try (
            QaTokenizer tokenizer = tokenizer(tokenizerJson);
            Model model = Model.newInstance("realm-reader", Device.cpu(), "PyTorch")
        ) {
            print("engine " + Engine.getEngine("PyTorch").getEngineName() + " " + Engine.getEngine("PyTorch").getVersion()
                + ", intra-op threads " + threads);
            BertQaBlock block = new BertQaBlock(config);
            model.setBlock(block);
            Map<String, Parameter> params = block.hfParameters();
            ReaderAdamW optimizer = new ReaderAdamW(params, floatOpt("weight-decay", 0.01f));
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(new SpanLoss()).optOptimizer(optimizer)
                .optDevices(new Device[] { Device.cpu() })
                .optInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
            Engine.getEngine("PyTorch").setRandomSeed(seed);
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                trainer.initialize(new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
                Path checkpoint = runDir.resolve("checkpoint");
                if (flag("eval-only") || flag("export-only")) {
                    Path weights = opts.containsKey("weights") ? Path.of(opt("weights", null)) : checkpoint.resolve("weights.safetensors");
                    ReaderWeights.load(ReaderWeights.readSafetensors(weights, null), params);
                    print("loaded weights from " + weights);
                    double[] scores = null;
                    if (flag("eval-only")) {
                        scores = evaluate(block, trainer.getManager(), tokenizerJson, data.resolve(opt("dev", "dev-v1.1.json")), runDir);
                    }
                    if (opts.containsKey("export")) {
                        export(params, config, Path.of(opt("export", null)), tokenizerJson, commandLine, seed, scores);
                    }
                    return;
                }
                OnnxGraph graph = OnnxGraph.read(baseDir.resolve("model.onnx"));
                ReaderWeights.importOnnx(graph, block.encoder().hfParameters());
                graph = null;
                print("imported " + baseId + " encoder weights from " + baseDir.resolve("model.onnx") + "; span head initialised from seed " + seed);

                List<Feature> features = new ArrayList<>();
                int questions = 0;
                int skipped = 0;
                for (String f : opt("train", "train-v1.1.json").split(",")) {
                    List<SquadData.Question> qs = SquadData.read(data.resolve(f));
                    for (SquadData.Question q : qs) {
                        if (q.answers().isEmpty() && q.impossible() == false) {
                            skipped++;
                            continue;
                        }
                        questions++;
                        features.addAll(features(tokenizer, q));
                    }
                }
                print("training data: " + questions + " questions (" + skipped + " without a locatable answer skipped), " + features.size()
                    + " windows");

                int batch = intOpt("batch", 32);
                int micro = Math.min(intOpt("micro-batch", 16), batch);
                int epochs = intOpt("epochs", 2);
                List<List<Integer>> plan = plan(features, batch, epochs, seed);
                int total = plan.size();
                int warmup = Math.round(total * floatOpt("warmup", 0.1f));
                float lr = floatOpt("lr", 1e-4f);
                float clip = floatOpt("clip", 1f);
                int checkpointEvery = intOpt("checkpoint-every", 50);
                int logEvery = intOpt("log-every", 5);
                int maxSteps = intOpt("max-steps", Integer.MAX_VALUE);
                print(String.format(Locale.ROOT,
                    "plan: %d epochs x %d steps = %d steps of %d windows (micro-batches of %d), lr %.2e, warm-up %d steps, linear decay, seed %d",
                    epochs, total / epochs, total, batch, micro, lr, warmup, seed));

                int done = 0;
                if (flag("resume") && Files.exists(checkpoint.resolve("state.json"))) {
                    done = restore(checkpoint, params, optimizer, seed, total, batch);
                    print("resumed from " + checkpoint + " at step " + done);
                }

                SpanLoss loss = new SpanLoss();
                double runningLoss = 0;
                int runningCount = 0;
                long windowsDone = 0;
                long loopStart = System.nanoTime();
                int firstStep = done;
                for (int step = done; step < total && step - firstStep < maxSteps; step++) { // (no overflow: step - firstStep >= 0)
                    Engine.getEngine("PyTorch").setRandomSeed(seed * 100_003 + step);
                    List<Integer> ids = plan.get(step);
                    float stepLoss = 0;
                    for (int from = 0; from < ids.size(); from += micro) {
                        List<Feature> mb = new ArrayList<>();
                        for (int i = from; i < Math.min(ids.size(), from + micro); i++) {
                            mb.add(features.get(ids.get(i)));
                        }
                        try (NDManager m = trainer.getManager().newSubManager()) {
                            NDList[] in = batchArrays(m, mb);
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList preds = trainer.forward(in[0]);
                                NDArray l = loss.evaluate(in[1], preds).mul((float) mb.size() / ids.size());
                                gc.backward(l);
                                stepLoss += l.getFloat();
                            }
                        }
                    }
                    float scale = 1f;
                    if (clip > 0) {
                        double norm = 0;
                        for (Parameter p : params.values()) {
                            // results of operations join their input's manager: the gradient's is the model's, which
                            // lives as long as the model, so every temporary is closed here
                            try (NDArray g = p.getArray().getGradient(); NDArray sq = g.square(); NDArray sum = sq.sum()) {
                                norm += sum.getFloat();
                            }
                        }
                        norm = Math.sqrt(norm);
                        if (norm > clip) {
                            scale = (float) (clip / norm);
                        }
                    }
                    int t = step + 1;
                    float rate = t <= warmup ? lr * t / Math.max(1, warmup) : lr * Math.max(0f, (float) (total - t) / Math.max(1, total - warmup));
                    optimizer.prepare(t, rate, scale);
                    trainer.step();
                    windowsDone += ids.size();
                    runningLoss += stepLoss;
                    runningCount++;
                    if (t % logEvery == 0 || t == total) {
                        double secs = (System.nanoTime() - loopStart) / 1e9;
                        int stepsThisRun = t - firstStep;
                        double left = secs / stepsThisRun * (total - t);
                        print(String.format(Locale.ROOT,
                            "step %d/%d epoch %d/%d loss %.4f (mean of %d) lr %.2e %.2f ex/s elapsed %s left %s",
                            t, total, (step / (total / epochs)) + 1, epochs, runningLoss / runningCount, runningCount, rate,
                            windowsDone / secs, hms(secs), hms(left)));
                        runningLoss = 0;
                        runningCount = 0;
                    }
                    if (t % checkpointEvery == 0 || t == total) {
                        saveCheckpoint(checkpoint, params, optimizer, t, seed, total, batch, commandLine);
                    }
                }
                int finished = (int) Math.min(total, (long) firstStep + maxSteps); // maxSteps defaults to Integer.MAX_VALUE
                if (finished % checkpointEvery != 0 && finished != total) {
                    saveCheckpoint(checkpoint, params, optimizer, finished, seed, total, batch, commandLine);
                }
                print("training stopped at step " + finished + "/" + total + " after " + hms((System.nanoTime() - started) / 1e9));
                if (finished == total) {
                    Path dev = data.resolve(opt("dev", "dev-v1.1.json"));
                    double[] scores = evaluate(block, trainer.getManager(), tokenizerJson, dev, runDir);
                    if (opts.containsKey("export")) {
                        export(params, config, Path.of(opt("export", null)), tokenizerJson, commandLine, seed, scores);
                    }
                }
            }
        } finally {
            log.close();
        }
    }

    static List<Feature> features(QaTokenizer tokenizer, SquadData.Question q) {
        SquadData.Answer answer = q.answers().isEmpty() ? null : q.answers().get(0);
        List<Feature> out = new ArrayList<>();
        for (QaTokenizer.Window w : tokenizer.windows(q.question(), q.context())) {
            int[] tokens = answer == null ? null : answerTokens(w, answer.start(), answer.end());
            out.add(tokens == null ? new Feature(w, 0, 0) : new Feature(w, tokens[0], tokens[1]));
        }
        return out;
    }

    /**
     * The window's tokens {@code [first, last]} covering the characters {@code [start, end)} of the passage, or
     * {@code null} when the window does not hold them all (they begin before its first passage token or end after its
     * last).
     */
    static int[] answerTokens(QaTokenizer.Window w, int start, int end) {
        int firstInWindow = -1;
        int lastInWindow = -1;
        int first = -1;
        int last = -1;
        for (int t = 0; t < w.length(); t++) {
            if (w.inPassage(t) == false) {
                continue;
            }
            if (firstInWindow < 0) {
                firstInWindow = t;
            }
            lastInWindow = t;
            if (first < 0 && w.ends()[t] > start) {
                first = t;
            }
            if (w.starts()[t] < end) {
                last = t;
            }
        }
        if (first < 0 || last < first) {
            return null;
        }
        boolean beginsBefore = first == firstInWindow && w.starts()[first] > start;
        boolean endsAfter = last == lastInWindow && w.ends()[last] < end;
        return beginsBefore || endsAfter ? null : new int[] { first, last };
    }

    /** The steps of all epochs: each a list of feature indices. Deterministic in the seed. */
    static List<List<Integer>> plan(List<Feature> features, int batch, int epochs, int seed) {
        List<List<Integer>> steps = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            Random random = new Random(seed * 1_000L + epoch);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            List<List<Integer>> batches = new ArrayList<>();
            int chunk = batch * 16;
            for (int c = 0; c < order.size(); c += chunk) {
                List<Integer> part = new ArrayList<>(order.subList(c, Math.min(order.size(), c + chunk)));
                part.sort(Comparator.comparingInt(i -> features.get(i).window().length()));
                for (int b = 0; b + batch <= part.size(); b += batch) { // a last partial batch is dropped
                    batches.add(new ArrayList<>(part.subList(b, b + batch)));
                }
            }
            Collections.shuffle(batches, random);
            steps.addAll(batches);
        }
        return steps;
    }

    /** [inputs (ids, types, mask), labels (start, end, mask)], padded to the longest window. */
    static NDList[] batchArrays(NDManager m, List<Feature> mb) {
        int t = 0;
        for (Feature f : mb) {
            t = Math.max(t, f.window().length());
        }
        long[][] ids = new long[mb.size()][t];
        long[][] types = new long[mb.size()][t];
        long[][] mask = new long[mb.size()][t];
        long[] starts = new long[mb.size()];
        long[] ends = new long[mb.size()];
        for (int b = 0; b < mb.size(); b++) {
            QaTokenizer.Window w = mb.get(b).window();
            for (int i = 0; i < w.length(); i++) {
                ids[b][i] = w.ids()[i];
                types[b][i] = w.typeIds()[i];
                mask[b][i] = 1;
            }
            starts[b] = mb.get(b).start();
            ends[b] = mb.get(b).end();
        }
        NDArray maskArray = m.create(mask);
        return new NDList[] {
            new NDList(m.create(ids), m.create(types), maskArray),
            new NDList(m.create(starts), m.create(ends), maskArray) };
    }

    /**
     * Evaluates on a SQuAD file with the gold paragraph given, reading each paragraph as a node does (the runtime's
     * {@link ExtractiveReader} over the block): the most probable span, EM/F1 as the official v1.1 script. Returns
     * {EM, F1}.
     */
    double[] evaluate(BertQaBlock block, NDManager parent, byte[] tokenizerJson, Path file, Path runDir) throws Exception {
        List<SquadData.Question> questions = SquadData.read(file);
        int limit = intOpt("eval-limit", Integer.MAX_VALUE);
        if (questions.size() > limit) {
            questions = questions.subList(0, limit);
        }
        int maxAnswer = intOpt("max-answer", 30);
        long t0 = System.nanoTime();
        double em = 0;
        double f1 = 0;
        StringBuilder predictions = new StringBuilder("{");
        try (ExtractiveReader reader = new ExtractiveReader("eval", tokenizer(tokenizerJson), BertQaModel.over("eval", parent.newSubManager(), block), 32)) {
            for (int qi = 0; qi < questions.size(); qi++) {
                SquadData.Question q = questions.get(qi);
                List<Reader.Span> spans = reader.read(q.question(), List.of(q.context()), maxAnswer, 1).get(0).spans();
                String prediction = spans.isEmpty() ? "" : spans.get(0).text();
                List<String> golds = q.answers().stream().map(SquadData.Answer::text).toList();
                em += AnswerNormalizer.exactMatch(prediction, golds) ? 1 : 0;
                f1 += AnswerNormalizer.f1(prediction, golds);
                predictions.append(qi == 0 ? "" : ",\n").append(ReaderWeights.jsonString(q.id())).append(": ").append(ReaderWeights.jsonString(prediction));
            }
        }
        predictions.append("}\n");
        Files.writeString(runDir.resolve("predictions-" + file.getFileName()), predictions.toString());
        double n = Math.max(1, questions.size());
        double[] scores = { 100 * em / n, 100 * f1 / n };
        print(String.format(Locale.ROOT, "eval %s: %d questions, EM %.2f F1 %.2f (%.1f s)", file.getFileName(),
            questions.size(), scores[0], scores[1], (System.nanoTime() - t0) / 1e9));
        return scores;
    }

    private void saveCheckpoint(
        Path checkpoint,
        Map<String, Parameter> params,
        ReaderAdamW optimizer,
        int step,
        int seed,
        int total,
        int batch,
        String commandLine
    ) throws IOException {
        long t0 = System.nanoTime();
        Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
        Path old = checkpoint.resolveSibling(checkpoint.getFileName() + ".old");
        deleteDir(tmp);
        Files.createDirectories(tmp);
        ReaderWeights.writeSafetensors(params, tmp.resolve("weights.safetensors"), false, Map.of("step", Integer.toString(step)));
        ReaderWeights.writeArrays(optimizer.state(), tmp.resolve("adam.safetensors"), false, Map.of("step", Integer.toString(step)));
        Files.writeString(
            tmp.resolve("state.json"),
            String.format(Locale.ROOT, "{\"step\": %d, \"total_steps\": %d, \"seed\": %d, \"batch\": %d, \"command\": %s}\n", step, total,
                seed, batch, ReaderWeights.jsonString(commandLine))
        );
        deleteDir(old);
        if (Files.exists(checkpoint)) {
            Files.move(checkpoint, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, checkpoint, StandardCopyOption.ATOMIC_MOVE);
        deleteDir(old);
        print(String.format(Locale.ROOT, "checkpoint at step %d written to %s (%.1f s)", step, checkpoint, (System.nanoTime() - t0) / 1e9));
    }

    private int restore(Path checkpoint, Map<String, Parameter> params, ReaderAdamW optimizer, int seed, int total, int batch)
        throws IOException {
        Map<String, Object> state;
        try (
            XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                Files.readString(checkpoint.resolve("state.json"))
            )
        ) {
            state = p.map();
        }
        int savedSeed = ((Number) state.get("seed")).intValue();
        int savedTotal = ((Number) state.get("total_steps")).intValue();
        int savedBatch = ((Number) state.get("batch")).intValue();
        if (savedSeed != seed || savedTotal != total || savedBatch != batch) {
            throw new IllegalArgumentException(
                "the checkpoint was taken with seed " + savedSeed + ", " + savedTotal + " steps of " + savedBatch
                    + "; this run has seed " + seed + ", " + total + " steps of " + batch + ": resume with the same options"
            );
        }
        ReaderWeights.load(ReaderWeights.readSafetensors(checkpoint.resolve("weights.safetensors"), null), params);
        optimizer.restore(ReaderWeights.readSafetensors(checkpoint.resolve("adam.safetensors"), null), params);
        return ((Number) state.get("step")).intValue();
    }

    /**
     * Writes reader.safetensors (fp16), tokenizer.json and the model.json a node loads (format {@code djl}) into
     * {@code dir}, whose name is the model's id; the descriptor is parsed back before the export is reported.
     */
    private void export(Map<String, Parameter> params, BertConfig config, Path dir, byte[] tokenizerJson, String commandLine, int seed,
        double[] scores) throws Exception {
        Files.createDirectories(dir);
        Path weights = dir.resolve("reader.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("architecture", "BertForQuestionAnswering");
        meta.put("base", opt("base", "all-minilm-l6-v2"));
        ReaderWeights.writeSafetensors(params, weights, true, meta);
        Files.write(dir.resolve("tokenizer.json"), tokenizerJson);
        String source = "trained by this project from " + opt("base", "all-minilm-l6-v2") + " on ../shared/data/squad/"
            + opt("train", "train-v1.1.json") + " with `TrainReader " + commandLine + "`, seed " + seed
            + (scores == null ? "" : String.format(Locale.ROOT, "; %s with the gold paragraph: EM %.2f, F1 %.2f", opt("dev", "dev-v1.1.json"),
                scores[0], scores[1]));
        String json = "{\n"
            + "  \"id\": " + ReaderWeights.jsonString(dir.getFileName().toString()) + ",\n"
            + "  \"task\": \"extractive_qa\",\n"
            + "  \"format\": \"djl\",\n"
            + "  \"files\": {\"model\": \"reader.safetensors\", \"tokenizer\": \"tokenizer.json\"},\n"
            + "  \"sha256\": {\n"
            + "    \"reader.safetensors\": \"" + ModelFiles.sha256(weights) + "\",\n"
            + "    \"tokenizer.json\": \"" + ModelFiles.sha256(dir.resolve("tokenizer.json")) + "\"\n"
            + "  },\n"
            + "  \"architecture\": {\"layers\": " + config.layers() + ", \"hidden\": " + config.hidden() + ", \"heads\": " + config.heads()
            + ", \"intermediate\": " + config.intermediate() + ", \"vocab\": " + config.vocabSize() + ", \"max_positions\": "
            + config.maxPositions() + ", \"type_vocab\": " + config.typeVocabSize() + ", \"layer_norm_eps\": " + config.layerNormEpsilon() + "},\n"
            + "  \"max_tokens\": " + intOpt("max-tokens", 384) + ",\n"
            + "  \"doc_stride\": " + intOpt("doc-stride", 128) + ",\n"
            + "  \"max_question_tokens\": " + intOpt("max-query", 64) + ",\n"
            + "  \"license\": \"Apache-2.0\",\n"
            + "  \"source\": " + ReaderWeights.jsonString(source) + "\n"
            + "}\n";
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), json);
        ModelDescriptor.load(dir.resolve(ModelDescriptor.FILE_NAME));
        print(String.format(Locale.ROOT, "exported the reader to %s (reader.safetensors %.1f MB, fp16)", dir, Files.size(weights) / 1e6));
    }

    private static void deleteDir(Path dir) throws IOException {
        if (Files.exists(dir) == false) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void print(String line) {
        String stamped = java.time.LocalTime.now().withNano(0) + " " + line;
        System.out.println(stamped);
        System.out.flush();
        if (log != null) {
            log.println(stamped);
        }
    }

    static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
