/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;

import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.NativeLibraries;
import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.model.bert.BertConfig;
import org.opensearchrealm.model.bert.BertQaBlock;
import org.opensearchrealm.model.bert.OnnxGraph;
import org.opensearchrealm.model.bert.ReaderWeights;
import org.opensearchrealm.settings.RealmSettings;
import org.opensearchrealm.train.TrainPlan.Group;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Trains the project's extractive QA reader: an HF-style BERT initialised from a pretrained encoder's ONNX weights
 * (all-MiniLM-L6-v2 by default) plus a span head, fine-tuned on SQuAD with DJL's PyTorch engine on the CPU.
 *
 * <pre>
 * java -cp ... org.opensearchrealm.train.TrainReader [options]
 *   --plugin-home DIR     staged plugin (natives, models/): target/staging
 *   --base ID             pretrained encoder under plugin-home/models: all-minilm-l6-v2 (6 layers) | bge-small-en-v15
 *   --data DIR            SQuAD files: ../shared/data/squad
 *   --train FILE[,FILE]   training files in --data: train-v1.1.json (a question in two files is read once)
 *   --retrieved FILE      the passages the index retrieves for each training question
 *                         (integ-test/retrieve-for-training.py); without it each question is read in its paragraph only
 *   --negatives N         wrong retrieved passages read with each question: 0
 *   --temperature X       p(z | q) = softmax(retrieval score / X), as the index setting: 0.1
 *   --unanswerable N      at most N unanswerable (SQuAD 2.0) questions, a seeded sample: all
 *   --init FILE           start from these reader weights (safetensors) instead of --base's encoder
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
 *   --model DIR           with --eval-only: evaluate the reader of this model directory instead (any format, e.g. the
 *                         ONNX export of org.opensearchrealm.onnx.ExportReaderOnnx), loaded as a node loads it
 *   --eval-limit N        evaluate only the first N dev questions
 *   --export DIR          after training (or with --export-only), write the fp16 reader into DIR
 *   --no-answer-threshold X  the calibrated threshold the exported model.json gives (tuned with integ-test/eval.sh
 *                         on SQuAD 2.0 dev)
 * </pre>
 *
 * Each question is a group of windows (its paragraph's and those of its wrong retrieved passages, {@link QuestionGroups})
 * trained with REALM's marginal likelihood ({@link MarginalSpanLoss}). Steps are optimizer steps of up to
 * {@code --batch} windows (micro-batches accumulate gradients). The data order of every
 * epoch is fixed by the seed (shuffled, then grouped by length within chunks of 16 batches to cut padding), and the
 * dropout generator is re-seeded from (seed, step) at each step, so a resumed run takes the same steps as an
 * uninterrupted one. The parts: {@link TrainOptions}, {@link TrainPlan} (windows and steps), {@link TrainBatch}, {@link TrainingLoop},
 * {@link Checkpoint}, {@link DevEvaluation}, {@link ReaderExport}.
 */
public final class TrainReader {

    private final TrainOptions options;

    private TrainReader(TrainOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        new TrainReader(TrainOptions.parse(args)).run(String.join(" ", args));
        System.exit(0); // the engines keep non-daemon threads
    }

    private void run(String commandLine) throws Exception {
        Path runDir = Path.of(options.get("run-dir", "/work/train-run")).toAbsolutePath();
        Files.createDirectories(runDir);
        try (TrainLog log = new TrainLog(runDir)) {
            log.print("command: TrainReader " + commandLine);
            Path home = Path.of(options.get("plugin-home", "target/staging")).toAbsolutePath();
            int threads = options.getInt("threads", 2);
            NativeLibraries.configure(home, runDir.resolve("djl-cache"), threads);
            String baseId = options.base();
            Path baseDir = home.resolve("models").resolve(baseId);
            BertConfig config = switch (baseId) {
                case "all-minilm-l6-v2" -> BertConfig.miniLmL6();
                case "bge-small-en-v15" -> BertConfig.bgeSmall();
                default -> throw new IllegalArgumentException("unknown base model [" + baseId + "]: the head count must be known");
            };
            config = config.withDropout(options.getFloat("dropout", 0.1f));
            int seed = options.seed();
            byte[] tokenizerJson = Files.readAllBytes(baseDir.resolve("tokenizer.json"));
            String baseLicense = ModelDescriptor.load(baseDir.resolve(ModelDescriptor.FILE_NAME)).license();
            DevEvaluation evaluation = new DevEvaluation(options, log, tokenizerJson, runDir);
            Path dev = options.data().resolve(options.dev());
            if (options.has("eval-only") && options.has("model")) {
                evaluation.evaluateModel(Path.of(options.get("model", null)), home, threads, dev);
                return;
            }

            try (
                QaTokenizer tokenizer = options.tokenizer(tokenizerJson);
                Model model = Model.newInstance("realm-reader", Device.cpu(), "PyTorch")
            ) {
                log.print("engine " + Engine.getEngine("PyTorch").getEngineName() + " " + Engine.getEngine("PyTorch").getVersion()
                    + ", intra-op threads " + threads);
                BertQaBlock block = new BertQaBlock(config);
                model.setBlock(block);
                Map<String, Parameter> params = block.hfParameters();
                ReaderAdamW optimizer = new ReaderAdamW(params, options.getFloat("weight-decay", 0.01f));
                DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(new MarginalSpanLoss()).optOptimizer(optimizer)
                    .optDevices(new Device[] { Device.cpu() })
                    .optInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
                Engine.getEngine("PyTorch").setRandomSeed(seed);
                try (Trainer trainer = model.newTrainer(trainingConfig)) {
                    trainer.initialize(new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
                    Checkpoint checkpoint = new Checkpoint(runDir.resolve("checkpoint"), params, optimizer, log);
                    if (options.has("eval-only") || options.has("export-only")) {
                        Path weights = options.has("weights") ? Path.of(options.get("weights", null)) : checkpoint.weights();
                        ReaderWeights.load(ReaderWeights.readSafetensors(weights, null), params);
                        log.print("loaded weights from " + weights);
                        double[] scores = options.has("eval-only") ? evaluation.evaluate(block, trainer.getManager(), dev) : null;
                        if (options.has("export")) {
                            ReaderExport.export(options, log, params, config, tokenizerJson, baseLicense, commandLine, scores);
                        }
                        return;
                    }
                    if (options.has("init")) {
                        Path init = Path.of(options.get("init", null));
                        ReaderWeights.load(ReaderWeights.readSafetensors(init, null), params);
                        log.print("started from the reader weights " + init);
                    } else {
                        OnnxGraph graph = OnnxGraph.read(baseDir.resolve("model.onnx"));
                        ReaderWeights.importOnnx(graph, block.encoder().hfParameters());
                        graph = null; // its arrays, as large as the encoder, can go before training starts
                        log.print("imported " + baseId + " encoder weights from " + baseDir.resolve("model.onnx")
                            + "; span head initialised from seed " + seed);
                    }

                    List<Group> groups = trainingGroups(tokenizer, log);
                    boolean finished = new TrainingLoop(options, log, trainer, params, optimizer, checkpoint).run(groups, commandLine);
                    if (finished) {
                        double[] scores = evaluation.evaluate(block, trainer.getManager(), dev);
                        if (options.has("export")) {
                            ReaderExport.export(options, log, params, config, tokenizerJson, baseLicense, commandLine, scores);
                        }
                    }
                }
            }
        }
    }

    /**
     * Every training question with a locatable answer (or none, in SQuAD 2.0) as a group of windows, in file order; a
     * question asked of the same paragraph in two files is read once.
     */
    private List<Group> trainingGroups(QaTokenizer tokenizer, TrainLog log) throws Exception {
        RetrievedPassages retrieved = options.has("retrieved")
            ? RetrievedPassages.read(Path.of(options.get("retrieved", null)))
            : RetrievedPassages.none();
        QuestionGroups grouping = new QuestionGroups(
            tokenizer,
            retrieved,
            options.getInt("negatives", 0),
            options.getFloat("temperature", (float) RealmSettings.DEFAULT_TEMPERATURE)
        );
        List<SquadData.Question> answerable = new ArrayList<>();
        List<SquadData.Question> unanswerable = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int skipped = 0;
        for (String f : options.train().split(",")) {
            for (SquadData.Question q : SquadData.read(options.data().resolve(f))) {
                if (seen.add(q.context() + "\u0000" + q.question()) == false) {
                    continue;
                }
                if (q.impossible()) {
                    unanswerable.add(q);
                } else if (q.answers().isEmpty()) {
                    skipped++;
                } else {
                    answerable.add(q);
                }
            }
        }
        int maxUnanswerable = options.getInt("unanswerable", Integer.MAX_VALUE);
        if (unanswerable.size() > maxUnanswerable) {
            Collections.shuffle(unanswerable, new Random(options.seed()));
            unanswerable = unanswerable.subList(0, maxUnanswerable);
        }
        List<Group> groups = new ArrayList<>();
        int windows = 0;
        int answering = 0;
        for (List<SquadData.Question> part : List.of(answerable, unanswerable)) {
            for (SquadData.Question q : part) {
                Group g = grouping.group(q);
                groups.add(g);
                windows += g.windows().size();
                answering += (int) g.windows().stream().filter(TrainPlan.Feature::answers).count();
            }
        }
        log.print(String.format(Locale.ROOT,
            "training data: %d answerable and %d unanswerable questions (%d without a locatable answer skipped), %d windows "
                + "(%d with an answer span), %d questions with retrieved passages",
            answerable.size(), unanswerable.size(), skipped, windows, answering, retrieved.questions()));
        return groups;
    }
}
