/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves BERT weights in and out of the DJL blocks:
 * <ul>
 * <li>{@link #importOnnx}: from an HF BERT exported to ONNX (the sentence-transformers exports of all-MiniLM-L6-v2 and
 * bge-small-en-v1.5). Biases, LayerNorms and embeddings are initializers with their HF names; the dense weights are
 * anonymous initializers ({@code onnx::MatMul_885}) found as the weight input of the node
 * {@code /encoder/layer.N/attention/self/query/MatMul}, stored {@code (in, out)}: they are transposed to DJL's and
 * PyTorch's {@code (out, in)}.</li>
 * <li>{@link #writeSafetensors}/{@link #readSafetensors}: the <a href="https://github.com/huggingface/safetensors">
 * safetensors</a> layout (8-byte little-endian header length, JSON header {@code name -> {dtype, shape,
 * data_offsets}}, little-endian data), in F32 or F16, with HF names: a trained reader can be loaded back here, or by
 * {@code transformers}' {@code BertForQuestionAnswering}.</li>
 * </ul>
 */
public final class ReaderWeights {

    private ReaderWeights() {}

    /**
     * Copies the encoder weights of an ONNX BERT into {@code params} (HF names without a {@code bert.} prefix, as
     * {@link BertEncoder#hfParameters()}); the parameters must be initialized. Returns the names it set.
     */
    public static List<String> importOnnx(OnnxGraph graph, Map<String, Parameter> params) throws IOException {
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            OnnxGraph.Tensor t = graph.initializers().get(name);
            NDArray target = e.getValue().getArray();
            if (t != null) {
                copy(name, t.floats(), t.dims(), target, false);
            } else if (name.endsWith(".weight") && name.startsWith("encoder.layer.")) {
                // encoder.layer.3.attention.self.query.weight -> /encoder/layer.3/attention/self/query/MatMul
                String module = name.substring(0, name.length() - ".weight".length());
                int layerEnd = module.indexOf('.', "encoder.layer.".length());
                String path = "/encoder/layer." + module.substring("encoder.layer.".length(), layerEnd) + "/"
                    + module.substring(layerEnd + 1).replace('.', '/') + "/MatMul";
                OnnxGraph.Tensor w = graph.initializerInput(path);
                copy(name, w.floats(), w.dims(), target, true);
            } else {
                throw new IOException("the ONNX graph has no weights for [" + name + "]");
            }
            set.add(name);
        }
        return set;
    }

    private static void copy(String name, float[] data, long[] dims, NDArray target, boolean transpose) throws IOException {
        if (data == null) {
            throw new IOException("initializer for [" + name + "] is not floating point");
        }
        Shape shape = target.getShape();
        if (transpose) {
            if (dims.length != 2 || shape.dimension() != 2 || dims[0] != shape.get(1) || dims[1] != shape.get(0)) {
                throw new IOException("[" + name + "]: ONNX weight " + java.util.Arrays.toString(dims) + " does not transpose to " + shape);
            }
            int in = (int) dims[0];
            int out = (int) dims[1];
            float[] t = new float[data.length];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    t[o * in + i] = data[i * out + o];
                }
            }
            data = t;
        } else if (java.util.Arrays.equals(dims, shape.getShape()) == false) {
            throw new IOException("[" + name + "]: ONNX shape " + java.util.Arrays.toString(dims) + " differs from " + shape);
        }
        target.set(FloatBuffer.wrap(data));
    }

    /** Writes {@code params} (name -> initialized parameter) as safetensors, F16 or F32, atomically. */
    public static void writeSafetensors(Map<String, Parameter> params, Path file, boolean fp16, Map<String, String> metadata)
        throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            arrays.put(e.getKey(), e.getValue().getArray());
        }
        writeArrays(arrays, file, fp16, metadata);
    }

    /** Writes float arrays as safetensors, F16 or F32, atomically (through a temporary file and a rename). */
    public static void writeArrays(Map<String, NDArray> arrays, Path file, boolean fp16, Map<String, String> metadata)
        throws IOException {
        StringBuilder header = new StringBuilder("{");
        if (metadata != null && metadata.isEmpty() == false) {
            header.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                header.append(first ? "" : ",").append(jsonString(m.getKey())).append(':').append(jsonString(m.getValue()));
                first = false;
            }
            header.append("},");
        }
        long offset = 0;
        int width = fp16 ? 2 : 4;
        boolean first = true;
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            Shape shape = e.getValue().getShape();
            long bytes = shape.size() * width;
            header.append(first ? "" : ",").append(jsonString(e.getKey())).append(":{\"dtype\":\"").append(fp16 ? "F16" : "F32");
            header.append("\",\"shape\":[");
            for (int i = 0; i < shape.dimension(); i++) {
                header.append(i == 0 ? "" : ",").append(shape.get(i));
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            first = false;
        }
        header.append('}');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8; // the format pads the header with spaces to an 8-byte boundary
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (int i = h.length; i < padded; i++) {
                out.write(' ');
            }
            for (NDArray a : arrays.values()) {
                float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
                ByteBuffer buf = ByteBuffer.allocate(v.length * width).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    if (fp16) {
                        buf.putShort(Float.floatToFloat16(f));
                    } else {
                        buf.putFloat(f);
                    }
                }
                out.write(buf.array());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A tensor read from a safetensors file, as floats. */
    public record Loaded(long[] shape, float[] data) {}

    /** Reads every F16/F32 tensor of a safetensors file (metadata under {@code __metadata__} is returned with key "" map). */
    public static Map<String, Loaded> readSafetensors(Path file, Map<String, String> metadataOut) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > ch.size()) {
                throw new IOException("[" + file + "] is not a safetensors file (header length " + headerLen + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            Map<String, Object> header;
            try (
                XContentParser p = JsonXContent.jsonXContent.createParser(
                    NamedXContentRegistry.EMPTY,
                    DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                    new String(hb.array(), StandardCharsets.UTF_8)
                )
            ) {
                header = p.map();
            }
            long base = 8 + headerLen;
            Map<String, Loaded> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    if (metadataOut != null && e.getValue() instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> metadataOut.put(String.valueOf(k), String.valueOf(v)));
                    }
                    continue;
                }
                Map<?, ?> info = (Map<?, ?>) e.getValue();
                String dtype = (String) info.get("dtype");
                List<?> shapeList = (List<?>) info.get("shape");
                List<?> offsets = (List<?>) info.get("data_offsets");
                long[] shape = new long[shapeList.size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = ((Number) shapeList.get(i)).longValue();
                    n *= shape[i];
                }
                long start = ((Number) offsets.get(0)).longValue();
                long end = ((Number) offsets.get(1)).longValue();
                int width = switch (dtype) {
                    case "F16" -> 2;
                    case "F32" -> 4;
                    default -> throw new IOException("[" + file + "]: tensor [" + e.getKey() + "] has unsupported dtype " + dtype);
                };
                if (end - start != n * width || base + end > ch.size()) {
                    throw new IOException("[" + file + "]: tensor [" + e.getKey() + "] has bad data offsets");
                }
                ByteBuffer data = ByteBuffer.allocate((int) (end - start)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, base + start);
                data.flip();
                float[] f = new float[(int) n];
                for (int i = 0; i < n; i++) {
                    f[i] = width == 2 ? Float.float16ToFloat(data.getShort()) : data.getFloat();
                }
                out.put(e.getKey(), new Loaded(shape, f));
            }
            return out;
        }
    }

    /** Sets every parameter of {@code params} from {@code loaded} (all must be present with the right shapes). */
    public static void load(Map<String, Loaded> loaded, Map<String, Parameter> params) throws IOException {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Loaded l = loaded.get(e.getKey());
            if (l == null) {
                throw new IOException("the weights have no tensor [" + e.getKey() + "]");
            }
            NDArray target = e.getValue().getArray();
            if (java.util.Arrays.equals(l.shape(), target.getShape().getShape()) == false) {
                throw new IOException(
                    "tensor [" + e.getKey() + "] has shape " + java.util.Arrays.toString(l.shape()) + ", expected " + target.getShape()
                );
            }
            target.set(FloatBuffer.wrap(l.data()));
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            position += n;
        }
    }

    /** {@code s} as a JSON string literal, quotes included. */
    public static String jsonString(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }
}
