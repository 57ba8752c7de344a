/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.ndarray.NDManager;

import org.opensearchrealm.answer.AnswerNormalizer;
import org.opensearch.common.settings.Settings;
import org.opensearchrealm.model.BertQaModel;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.model.bert.BertQaBlock;
import org.opensearchrealm.model.bert.ReaderWeights;
import org.opensearchrealm.read.ExtractiveReader;
import org.opensearchrealm.settings.ModelSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates the block on a SQuAD file with the gold paragraph given, reading each paragraph as a node does (the
 * runtime's {@link ExtractiveReader} over the block): the most probable span, EM/F1 as the official v1.1 script.
 * Writes {@code <run-dir>/predictions-<file>} ({id: answer}, the official script's format).
 */
final class DevEvaluation {

    private final TrainOptions options;
    private final TrainLog log;
    private final byte[] tokenizerJson;
    private final Path runDir;

    DevEvaluation(TrainOptions options, TrainLog log, byte[] tokenizerJson, Path runDir) {
        this.options = options;
        this.log = log;
        this.tokenizerJson = tokenizerJson;
        this.runDir = runDir;
    }

    /** {EM, F1} in percent of the block over the first --eval-limit questions of the file. */
    double[] evaluate(BertQaBlock block, NDManager parent, Path file) throws Exception {
        try (
            ExtractiveReader reader = new ExtractiveReader(
                "eval",
                options.tokenizer(tokenizerJson),
                BertQaModel.over("eval", parent.newSubManager(), block),
                32
            )
        ) {
            return evaluate(reader, file);
        }
    }

    /**
     * {EM, F1} of the reader a model directory holds (any format: djl, onnx, torchscript), loaded as a node loads it:
     * through the {@link ModelRegistry}, files verified against the descriptor's hashes.
     */
    double[] evaluateModel(Path modelDir, Path pluginHome, int threads, Path file) throws Exception {
        Path config = Files.createTempDirectory(runDir, "config");
        Path models = Files.createDirectories(ModelRegistry.operatorModelsDir(config));
        String id = ModelDescriptor.load(modelDir.resolve(ModelDescriptor.FILE_NAME)).id();
        Files.createSymbolicLink(models.resolve(id), modelDir.toAbsolutePath());
        Settings settings = Settings.builder().put(ModelSettings.INTRA_OP_THREADS.getKey(), threads).put(ModelSettings.MAX_BATCH_SIZE.getKey(), 32).build();
        try (ModelRegistry registry = new ModelRegistry(pluginHome, config, runDir.resolve("djl-cache"), settings, ExtractiveReader::new)) {
            log.print("evaluating the reader [" + id + "] of " + modelDir + " (" + registry.descriptor(id).format().jsonName() + ")");
            return evaluate(registry.reader(id), file);
        }
    }

    private double[] evaluate(Reader reader, Path file) throws Exception {
        List<SquadData.Question> questions = SquadData.read(file);
        int limit = options.getInt("eval-limit", Integer.MAX_VALUE);
        if (questions.size() > limit) {
            questions = questions.subList(0, limit);
        }
        int maxAnswer = options.getInt("max-answer", 30);
        long t0 = System.nanoTime();
        double em = 0;
        double f1 = 0;
        StringBuilder predictions = new StringBuilder("{");
        for (int qi = 0; qi < questions.size(); qi++) {
            SquadData.Question q = questions.get(qi);
            List<Reader.Span> spans = reader.read(q.question(), List.of(q.context()), maxAnswer, 1).get(0).spans();
            String prediction = spans.isEmpty() ? "" : spans.get(0).text();
            List<String> golds = q.answers().stream().map(SquadData.Answer::text).toList();
            em += AnswerNormalizer.exactMatch(prediction, golds) ? 1 : 0;
            f1 += AnswerNormalizer.f1(prediction, golds);
            predictions.append(qi == 0 ? "" : ",\n").append(ReaderWeights.jsonString(q.id())).append(": ").append(ReaderWeights.jsonString(prediction));
        }
        predictions.append("}\n");
        Files.writeString(runDir.resolve("predictions-" + file.getFileName()), predictions.toString());
        double n = Math.max(1, questions.size());
        double[] scores = { 100 * em / n, 100 * f1 / n };
        log.print(String.format(Locale.ROOT, "eval %s: %d questions, EM %.2f F1 %.2f (%.1f s)", file.getFileName(),
            questions.size(), scores[0], scores[1], (System.nanoTime() - t0) / 1e9));
        return scores;
    }
}
