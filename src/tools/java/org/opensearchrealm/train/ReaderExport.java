/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.nn.Parameter;

import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.ModelFiles;
import org.opensearchrealm.model.bert.BertConfig;
import org.opensearchrealm.model.bert.ReaderWeights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the trained reader as a node loads it: reader.safetensors (fp16), tokenizer.json and model.json (format
 * {@code djl}, with {@code --no-answer-threshold}, the threshold tuned for it on SQuAD 2.0 dev, when given) into a
 * directory whose name is the model's id; the descriptor is parsed back before the export is reported, so a model the
 * plugin would refuse is never reported as exported.
 */
final class ReaderExport {

    private ReaderExport() {}

    /**
     * @param license the base model's: the weights are trained from its
     * @param scores {EM, F1} on the dev file, recorded in the descriptor's source; null when not evaluated
     */
    static void export(TrainOptions options, TrainLog log, Map<String, Parameter> params, BertConfig config, byte[] tokenizerJson,
        String license, String commandLine, double[] scores) throws Exception {
        Path dir = Path.of(options.get("export", null));
        Files.createDirectories(dir);
        Path weights = dir.resolve("reader.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("architecture", "BertForQuestionAnswering");
        meta.put("base", options.base());
        ReaderWeights.writeSafetensors(params, weights, true, meta);
        Files.write(dir.resolve("tokenizer.json"), tokenizerJson);
        String source = "trained by this project from " + options.base() + " on ../shared/data/squad/" + options.train()
            + " with `TrainReader " + commandLine + "`, seed " + options.seed()
            + (scores == null ? "" : String.format(Locale.ROOT, "; %s with the gold paragraph: EM %.2f, F1 %.2f", options.dev(),
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
            + "  \"max_tokens\": " + options.maxTokens() + ",\n"
            + "  \"doc_stride\": " + options.docStride() + ",\n"
            + "  \"max_question_tokens\": " + options.maxQuery() + ",\n"
            + (options.has("no-answer-threshold") ? "  \"no_answer_threshold\": " + options.getFloat("no-answer-threshold", 1f) + ",\n" : "")
            + "  \"license\": " + ReaderWeights.jsonString(license) + ",\n"
            + "  \"source\": " + ReaderWeights.jsonString(source) + "\n"
            + "}\n";
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), json);
        ModelDescriptor.load(dir.resolve(ModelDescriptor.FILE_NAME));
        log.print(String.format(Locale.ROOT, "exported the reader to %s (reader.safetensors %.1f MB, fp16)", dir, Files.size(weights) / 1e6));
    }
}
