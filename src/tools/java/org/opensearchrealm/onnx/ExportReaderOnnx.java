/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.onnx;

import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.bert.ReaderWeights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Exports a {@code djl} reader (the trainer's safetensors, HF names, and its {@code model.json}) as an {@code onnx}
 * reader that a node runs on ONNX Runtime: {@code model.onnx} ({@link BertQaOnnx}), the same {@code tokenizer.json}
 * and a {@code model.json} with the same windows and no-answer threshold. Deterministic: the same weights give the same
 * bytes, so the committed file and its SHA-256 can be checked by running the command again. Not a test: a main.
 *
 * <pre>
 * ExportReaderOnnx --from models/realm-reader-minilm --out models/realm-reader-minilm-int8 --precision int8
 *   [--id realm-reader-minilm-int8] [--keep-fp32 NAME,...|none]
 * </pre>
 */
public final class ExportReaderOnnx {

    /**
     * The linear layers an int8 export keeps in fp32 unless told otherwise: the first layer's feed-forward input
     * projection, the one whose int8 weights cost the shipped reader most of its dev F1 (see "ONNX and int8" in
     * models/realm-reader-minilm/TRAINING.md).
     */
    static final List<String> INT8_KEEP_FP32 = List.of("layer.0.intermediate.dense.");

    private ExportReaderOnnx() {}

    public static void main(String[] args) throws Exception {
        Path from = null;
        Path out = null;
        BertQaOnnx.Precision precision = BertQaOnnx.Precision.FP32;
        String id = null;
        List<String> keepFp32 = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--from" -> from = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--precision" -> precision = BertQaOnnx.Precision.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
                case "--id" -> id = args[i + 1];
                case "--keep-fp32" -> keepFp32 = names(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (from == null || out == null || args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: ExportReaderOnnx --from DIR --out DIR [--precision fp32|int8] [--id ID]");
        }
        if (keepFp32 == null) {
            keepFp32 = precision == BertQaOnnx.Precision.INT8 ? INT8_KEEP_FP32 : List.of();
        }
        export(from, out, precision, keepFp32, id == null ? out.getFileName().toString() : id);
    }

    private static List<String> names(String arg) {
        return arg.equals("none") ? List.of() : List.of(arg.split(","));
    }

    /** Writes the ONNX reader into {@code out} and returns its descriptor, loaded back (which checks it). */
    static ModelDescriptor export(Path from, Path out, BertQaOnnx.Precision precision, List<String> keepFp32, String id) throws Exception {
        ModelDescriptor source = ModelDescriptor.load(from.resolve(ModelDescriptor.FILE_NAME));
        if (source.format() != ModelDescriptor.Format.DJL || source.task() != ModelDescriptor.Task.EXTRACTIVE_QA) {
            throw new IllegalArgumentException("[" + from + "] is not a djl extractive_qa reader");
        }
        byte[] onnx = BertQaOnnx.export(
            source.reader().architecture(),
            ReaderWeights.readSafetensors(source.file(ModelDescriptor.ROLE_MODEL), null),
            precision,
            keepFp32
        );
        byte[] tokenizer = Files.readAllBytes(source.file(ModelDescriptor.ROLE_TOKENIZER));
        Files.createDirectories(out);
        Files.write(out.resolve("model.onnx"), onnx);
        Files.write(out.resolve("tokenizer.json"), tokenizer);
        String how = precision == BertQaOnnx.Precision.INT8
            ? "int8 weights per output column of "
                + (keepFp32.isEmpty() ? "every encoder linear layer" : "the encoder's linear layers but those named " + keepFp32)
                + ", uint8 activations quantized at run time"
                + ", fp32 span head"
            : "fp32";
        String json = "{\n"
            + "  \"id\": " + ReaderWeights.jsonString(id) + ",\n"
            + "  \"task\": \"extractive_qa\",\n"
            + "  \"format\": \"onnx\",\n"
            + "  \"files\": {\n    \"model\": \"model.onnx\",\n    \"tokenizer\": \"tokenizer.json\"\n  },\n"
            + "  \"sha256\": {\n"
            + "    \"model.onnx\": \"" + sha256(onnx) + "\",\n"
            + "    \"tokenizer.json\": \"" + sha256(tokenizer) + "\"\n"
            + "  },\n"
            + "  \"max_tokens\": " + source.maxTokens() + ",\n"
            + "  \"doc_stride\": " + source.reader().docStride() + ",\n"
            + "  \"max_question_tokens\": " + source.reader().maxQuestionTokens() + ",\n"
            + "  \"no_answer_threshold\": " + source.reader().noAnswerThreshold() + ",\n"
            + "  \"license\": " + ReaderWeights.jsonString(source.license()) + ",\n"
            + "  \"source\": " + ReaderWeights.jsonString(
                "the reader [" + source.id() + "] exported to ONNX (" + how + ") by org.opensearchrealm.onnx.ExportReaderOnnx "
                    + "(see models/" + source.id() + "/TRAINING.md); that reader: " + source.source()
            ) + "\n"
            + "}\n";
        Files.writeString(out.resolve(ModelDescriptor.FILE_NAME), json);
        System.out.printf(Locale.ROOT, "exported [%s] as [%s] (%s): model.onnx %.1f MB%n", source.id(), id, how, onnx.length / 1e6);
        return ModelDescriptor.load(out.resolve(ModelDescriptor.FILE_NAME));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
