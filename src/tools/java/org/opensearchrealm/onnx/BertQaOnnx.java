/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.onnx;

import org.opensearchrealm.model.bert.BertConfig;
import org.opensearchrealm.model.bert.ReaderWeights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Writes an HF-named BERT span reader ({@code bert.*}, {@code qa_outputs.*}: what the trainer exports) as an ONNX graph
 * of opset-17 operators and ONNX Runtime's {@code MultiHeadAttention} that computes what
 * {@link org.opensearchrealm.model.bert.BertQaBlock} computes: inputs {@code input_ids}, {@code attention_mask},
 * {@code token_type_ids} (int64 {@code [batch, sequence]}), outputs {@code start_logits} and {@code end_logits}. The operators follow the shapes ONNX Runtime's optimizer fuses
 * (LayerNormalization, the erf GELU, and for int8 DynamicQuantizeLinear + MatMulInteger + scale).
 *
 * <p>{@link Precision#INT8} quantizes the weight of every linear layer of the encoder to int8, symmetric per output
 * column, and the activations at run time (uint8, per tensor): dynamic quantization. The span head stays fp32, and
 * the word-embedding table is stored in fp16 (cast to fp32 once, when ONNX Runtime folds constants).
 */
final class BertQaOnnx {

    enum Precision {
        FP32,
        INT8
    }

    static final long IR_VERSION = 8;
    static final long OPSET = 17;

    private final BertConfig config;
    private final Map<String, ReaderWeights.Loaded> weights;
    private final Precision precision;
    private final List<String> keepFp32;
    private final List<OnnxProto> nodes = new ArrayList<>();
    private final List<OnnxProto> initializers = new ArrayList<>();
    private final Set<String> constants = new HashSet<>();
    private int names;

    private BertQaOnnx(BertConfig config, Map<String, ReaderWeights.Loaded> weights, Precision precision, List<String> keepFp32) {
        this.config = config;
        this.weights = weights;
        this.precision = precision;
        this.keepFp32 = keepFp32;
    }

    /**
     * The ONNX model file's bytes.
     *
     * @param keepFp32 with int8: the linear layers whose HF name contains one of these stay fp32 (e.g. {@code layer.5.})
     */
    static byte[] export(BertConfig config, Map<String, ReaderWeights.Loaded> weights, Precision precision, List<String> keepFp32)
        throws IOException {
        return new BertQaOnnx(config, weights, precision, keepFp32).build();
    }

    private byte[] build() throws IOException {
        String hidden = embeddings("input_ids", "token_type_ids");
        Padding padding = padding("attention_mask");
        for (int i = 0; i < config.layers(); i++) {
            hidden = layer(hidden, padding, "bert.encoder.layer." + i + ".");
        }
        String logits = linear(hidden, "qa_outputs.", false);
        String[] halves = ops("Split", new String[] { logits }, 2, OnnxProto.intAttribute("axis", 2));
        String axis = int64s("axis_2", 2);
        node("Squeeze", new String[] { halves[0], axis }, new String[] { "start_logits" });
        node("Squeeze", new String[] { halves[1], axis }, new String[] { "end_logits" });

        OnnxProto graph = new OnnxProto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, "bert_qa");
        initializers.forEach(t -> graph.message(5, t));
        for (String input : new String[] { "input_ids", "attention_mask", "token_type_ids" }) {
            graph.message(11, OnnxProto.valueInfo(input, OnnxProto.INT64, "batch", "sequence"));
        }
        for (String output : new String[] { "start_logits", "end_logits" }) {
            graph.message(12, OnnxProto.valueInfo(output, OnnxProto.FLOAT, "batch", "sequence"));
        }
        return OnnxProto.model(IR_VERSION, OPSET, "opensearch-realm", graph).bytes();
    }

    /** Word + token type + position embeddings, LayerNorm: {@code [B, T, H]}. */
    private String embeddings(String ids, String typeIds) throws IOException {
        String p = "bert.embeddings.";
        String words = op("Gather", weight(p + "word_embeddings.weight", precision == Precision.INT8), ids);
        String types = op("Gather", weight(p + "token_type_embeddings.weight", false), typeIds);
        String sequence = op("Slice", op("Shape", ids), int64s("one", 1), int64s("two", 2), int64s("zero", 0));
        String positions = op("Slice", weight(p + "position_embeddings.weight", false), int64s("zero", 0), sequence, int64s("zero", 0));
        return layerNorm(op("Add", op("Add", words, types), positions), p + "LayerNorm.");
    }

    /** What every layer's attention needs of the mask: the key padding mask, and whether no token is padding. */
    private record Padding(String keyPaddingMask, String none) {}

    /**
     * {@code [B, T]} int32, 1 where attended (the key padding mask of {@code MultiHeadAttention}, which adds -10000 to
     * the scores of padding, as the Java block), and a bool that is true when every token is attended.
     */
    private Padding padding(String mask) {
        String keyPaddingMask = op("Cast", new String[] { mask }, OnnxProto.intAttribute("to", OnnxProto.INT32));
        String smallest = op("ReduceMin", new String[] { mask }, OnnxProto.intAttribute("keepdims", 0));
        return new Padding(keyPaddingMask, op("Equal", smallest, int64s("one", 1)));
    }

    private String layer(String x, Padding padding, String p) throws IOException {
        String q = linear(x, p + "attention.self.query.", true);
        String k = linear(x, p + "attention.self.key.", true);
        String v = linear(x, p + "attention.self.value.", true);
        String attention = linear(attention(q, k, v, padding), p + "attention.output.dense.", true);
        String h = layerNorm(op("Add", attention, x), p + "attention.output.LayerNorm.");
        String inner = gelu(linear(h, p + "intermediate.dense.", true));
        String out = linear(inner, p + "output.dense.", true);
        return layerNorm(op("Add", out, h), p + "output.LayerNorm.");
    }

    /**
     * softmax(q k^T / sqrt(head size) + padding) v per head, {@code [B, T, H]} in and out, by ONNX Runtime's fused
     * {@code MultiHeadAttention}, which never writes the {@code [B, heads, T, T]} scores out as standard operators do
     * (they took half the int8 reader's time at 384 tokens). Without a mask it runs its flash attention (a third
     * faster again), so a batch without padding (one window, or windows of one length) takes that branch.
     */
    private String attention(String q, String k, String v, Padding padding) {
        String out = "attention_" + names++;
        OnnxProto unpadded = branch(out + "_unpadded", multiHeadAttention(out + "_unpadded", q, k, v));
        OnnxProto padded = branch(out + "_padded", multiHeadAttention(out + "_padded", q, k, v, "", padding.keyPaddingMask()));
        node(
            "If",
            new String[] { padding.none() },
            new String[] { out },
            OnnxProto.graphAttribute("then_branch", unpadded),
            OnnxProto.graphAttribute("else_branch", padded)
        );
        return out;
    }

    private OnnxProto multiHeadAttention(String out, String... inputs) {
        return OnnxProto.node(
            OnnxProto.MICROSOFT_DOMAIN,
            out,
            "MultiHeadAttention",
            inputs,
            new String[] { out },
            OnnxProto.intAttribute("num_heads", config.heads()),
            OnnxProto.floatAttribute("mask_filter_value", -10000f)
        );
    }

    /** A subgraph of one node whose output {@code [B, T, H]} is the graph's. */
    private OnnxProto branch(String output, OnnxProto node) {
        return new OnnxProto().message(1, node)
            .string(2, output)
            .message(12, OnnxProto.valueInfo(output, OnnxProto.FLOAT, "batch", "sequence", (long) config.hidden()));
    }

    /** x W^T + b of an HF Linear (weight {@code (out, in)}); int8 where {@code quantizable} and the precision asks. */
    private String linear(String x, String prefix, boolean quantizable) throws IOException {
        ReaderWeights.Loaded w = tensor(prefix + "weight");
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        float[] transposed = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                transposed[i * out + o] = w.data()[o * in + i];
            }
        }
        String product;
        if (quantizable && precision == Precision.INT8 && keepFp32.stream().noneMatch(prefix::contains)) {
            product = int8MatMul(x, prefix + "weight", transposed, in, out);
        } else {
            product = op("MatMul", x, floats(prefix + "weight_t", new long[] { in, out }, transposed));
        }
        return op("Add", product, weight(prefix + "bias", false));
    }

    /** Dynamic quantization: uint8 activations (scale and zero point per call), int8 weights per output column. */
    private String int8MatMul(String x, String name, float[] w, int in, int out) {
        float[] scales = new float[out];
        for (int o = 0; o < out; o++) {
            float max = 0;
            for (int i = 0; i < in; i++) {
                max = Math.max(max, Math.abs(w[i * out + o]));
            }
            scales[o] = max == 0 ? 1f : max / 127f;
        }
        byte[] q = new byte[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                q[i * out + o] = (byte) Math.max(-127, Math.min(127, Math.round(w[i * out + o] / scales[o])));
            }
        }
        String weight = initializer(name + "_int8", OnnxProto.INT8, new long[] { in, out }, q);
        String weightScale = floats(name + "_scale", new long[] { out }, scales);
        String[] quantized = ops("DynamicQuantizeLinear", new String[] { x }, 3);
        String integer = op("MatMulInteger", quantized[0], weight, quantized[2]);
        String product = op("Cast", new String[] { integer }, OnnxProto.intAttribute("to", OnnxProto.FLOAT));
        return op("Mul", product, op("Mul", quantized[1], weightScale));
    }

    /** x * 0.5 * (1 + erf(x / sqrt 2)): HF's exact GELU. */
    private String gelu(String x) {
        String erf = op("Erf", op("Div", x, scalar("sqrt_2", (float) Math.sqrt(2))));
        return op("Mul", op("Mul", x, op("Add", erf, scalar("one_f", 1f))), scalar("half", 0.5f));
    }

    private String layerNorm(String x, String prefix) throws IOException {
        return op(
            "LayerNormalization",
            new String[] { x, weight(prefix + "weight", false), weight(prefix + "bias", false) },
            OnnxProto.intAttribute("axis", -1),
            OnnxProto.floatAttribute("epsilon", config.layerNormEpsilon())
        );
    }

    // ---- nodes and initializers

    private String op(String opType, String... inputs) {
        return op(opType, inputs, new OnnxProto[0]);
    }

    private String op(String opType, String[] inputs, OnnxProto... attributes) {
        return ops(opType, inputs, 1, attributes)[0];
    }

    private String[] ops(String opType, String[] inputs, int outputs, OnnxProto... attributes) {
        String[] out = new String[outputs];
        int id = names++;
        for (int i = 0; i < outputs; i++) {
            out[i] = opType + "_" + id + (outputs == 1 ? "" : "_" + i);
        }
        node(opType, inputs, out, attributes);
        return out;
    }

    private void node(String opType, String[] inputs, String[] outputs, OnnxProto... attributes) {
        nodes.add(OnnxProto.node("", outputs[0], opType, inputs, outputs, attributes));
    }

    /** A weight as fp32, or stored in fp16 and cast to fp32. */
    private String weight(String name, boolean fp16) throws IOException {
        ReaderWeights.Loaded t = tensor(name);
        if (fp16 == false) {
            return floats(name, t.shape(), t.data());
        }
        ByteBuffer raw = ByteBuffer.allocate(t.data().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : t.data()) {
            raw.putShort(Float.floatToFloat16(f));
        }
        String half = initializer(name + "_fp16", OnnxProto.FLOAT16, t.shape(), raw.array());
        return op("Cast", new String[] { half }, OnnxProto.intAttribute("to", OnnxProto.FLOAT));
    }

    private ReaderWeights.Loaded tensor(String name) throws IOException {
        ReaderWeights.Loaded t = weights.get(name);
        if (t == null) {
            throw new IOException("the reader weights have no tensor [" + name + "]");
        }
        return t;
    }

    private String floats(String name, long[] dims, float[] data) {
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            raw.putFloat(f);
        }
        return initializer(name, OnnxProto.FLOAT, dims, raw.array());
    }

    private String scalar(String name, float value) {
        return once(name, () -> floats(name, new long[0], new float[] { value }));
    }

    private String int64s(String name, long... values) {
        return once(name, () -> {
            ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                raw.putLong(v);
            }
            return initializer(name, OnnxProto.INT64, new long[] { values.length }, raw.array());
        });
    }

    /** A shared constant is written once, however many nodes read it. */
    private String once(String name, Supplier<String> write) {
        if (constants.add(name)) {
            write.get();
        }
        return name;
    }

    private String initializer(String name, int dataType, long[] dims, byte[] raw) {
        initializers.add(OnnxProto.tensor(name, dataType, dims, raw));
        return name;
    }
}
