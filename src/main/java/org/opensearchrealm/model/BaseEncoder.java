/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.opensearchrealm.model.ModelDescriptor.Pooling;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What both engines share: tokenising, sorting texts by length and cutting them into sub-batches padded to their
 * longest member, pooling and normalising in plain Java (NDArray math on ONNX Runtime outputs would silently run on
 * another engine), converting every {@link Throwable} into a {@link ModelException}, and not letting {@link #close}
 * free native memory while a call runs.
 */
abstract class BaseEncoder implements Encoder, AutoCloseable {

    /** Token ids, mask and token types of a sub-batch, row-major [batch, tokens], padded with 0s. */
    record Batch(int size, int tokens, long[] ids, long[] mask, long[] typeIds) {
        LongBuffer input(String name) {
            return switch (name) {
                case ModelDescriptor.INPUT_IDS -> LongBuffer.wrap(ids);
                case ModelDescriptor.ATTENTION_MASK -> LongBuffer.wrap(mask);
                case ModelDescriptor.TOKEN_TYPE_IDS -> LongBuffer.wrap(typeIds);
                default -> throw new IllegalArgumentException("unsupported model input [" + name + "]");
            };
        }

        Shape shape() {
            return new Shape(size, tokens);
        }
    }

    /** A model output as a flat float array and its shape. */
    record Output(float[] values, long[] shape) {}

    private final ModelDescriptor descriptor;
    private final TextTokenizer tokenizer;
    private final int maxBatch;
    protected final Model model;
    private final ModelGuard guard;

    BaseEncoder(ModelDescriptor descriptor, TextTokenizer tokenizer, Model model, int maxBatch) {
        this.descriptor = descriptor;
        this.guard = new ModelGuard(descriptor.id());
        this.tokenizer = tokenizer;
        this.model = model;
        this.maxBatch = maxBatch;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /** Runs the network on one sub-batch; returns its outputs (named where the engine names them). */
    protected abstract NDList forward(NDManager manager, Batch batch) throws Exception;

    @Override
    public float[][] embed(List<String> texts, TextKind kind) {
        if (texts == null) {
            throw ModelException.badRequest("model [" + descriptor.id() + "]: the list of texts to embed is null");
        }
        if (kind == null) {
            throw ModelException.badRequest("model [" + descriptor.id() + "]: the kind of text (query or passage) is missing");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw ModelException.badRequest("model [" + descriptor.id() + "]: text [" + i + "] of " + texts.size() + " is null");
            }
        }
        return guard.call("failed to embed " + texts.size() + " text(s)", () -> NativeLibraries.withPluginClassLoader(() -> embedOpen(texts, kind)));
    }

    private float[][] embedOpen(List<String> texts, TextKind kind) throws Exception {
        int n = texts.size();
        float[][] vectors = new float[n][];
        if (n == 0) {
            return vectors;
        }
        String prefix = descriptor.encoder().prefix(kind);
        TextTokenizer.Tokens[] tokens = new TextTokenizer.Tokens[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = tokenizer.encode(prefix.isEmpty() ? texts.get(i) : prefix + texts.get(i));
        }
        // longest first, so that the first sub-batch shows at once whether the largest input fits
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Integer.compare(tokens[b].length(), tokens[a].length()));
        for (int from = 0; from < n; from += maxBatch) {
            int to = Math.min(n, from + maxBatch);
            List<TextTokenizer.Tokens> members = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                members.add(tokens[order[i]]);
            }
            float[][] pooled = run(members);
            for (int i = from; i < to; i++) {
                vectors[order[i]] = pooled[i - from];
            }
        }
        return vectors;
    }

    /** Pads, runs and pools one sub-batch. */
    private float[][] run(List<TextTokenizer.Tokens> members) throws Exception {
        int size = members.size();
        int tokens = 0;
        for (TextTokenizer.Tokens t : members) {
            tokens = Math.max(tokens, t.length());
        }
        long[] ids = new long[size * tokens];
        long[] mask = new long[size * tokens];
        long[] typeIds = new long[size * tokens];
        for (int b = 0; b < size; b++) {
            TextTokenizer.Tokens t = members.get(b);
            System.arraycopy(t.ids(), 0, ids, b * tokens, t.length());
            System.arraycopy(t.mask(), 0, mask, b * tokens, t.length());
            System.arraycopy(t.typeIds(), 0, typeIds, b * tokens, t.length());
        }
        Batch batch = new Batch(size, tokens, ids, mask, typeIds);
        Output output;
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList outputs = forward(manager, batch);
            output = toOutput(select(outputs));
        }
        return pool(output, batch);
    }

    /** The output to pool: [batch, tokens, dim] for mean/cls pooling, [batch, dim] for none. */
    private NDArray select(NDList outputs) {
        Pooling pooling = descriptor.encoder().pooling();
        int rank = pooling == Pooling.NONE ? 2 : 3;
        List<String> preferred = pooling == Pooling.NONE
            ? List.of("sentence_embedding", "sentence_embeddings", "embeddings", "pooler_output")
            : List.of("last_hidden_state", "token_embeddings");
        for (String name : preferred) {
            for (NDArray array : outputs) {
                if (name.equals(array.getName()) && array.getShape().dimension() == rank) {
                    return array;
                }
            }
        }
        for (NDArray array : outputs) {
            if (array.getShape().dimension() == rank) {
                return array;
            }
        }
        List<String> described = Networks.describe(outputs);
        throw ModelException.failed(
            "model ["
                + descriptor.id()
                + "] has no output of shape "
                + (rank == 3 ? "[batch, tokens, dimension] to pool (pooling [" : "[batch, dimension] (pooling [")
                + pooling.jsonName()
                + "]); its outputs are "
                + described,
            null
        );
    }

    private Output toOutput(NDArray array) {
        return new Output(Networks.floats(array, descriptor.id()), array.getShape().getShape());
    }

    private float[][] pool(Output output, Batch batch) {
        long[] shape = output.shape();
        int dimension = (int) shape[shape.length - 1];
        if (shape[0] != batch.size() || (shape.length == 3 && shape[1] != batch.tokens())) {
            throw ModelException.failed(
                "model [" + descriptor.id() + "] returned shape " + Arrays.toString(shape) + " for an input of shape [" + batch.size() + ", " + batch.tokens() + "]",
                null
            );
        }
        if (dimension != descriptor.encoder().dimension()) {
            throw ModelException.failed(
                "model [" + descriptor.id() + "] returned vectors of dimension [" + dimension + "] but its model.json says [" + descriptor.encoder().dimension() + "]",
                null
            );
        }
        float[][] vectors = new float[batch.size()][];
        for (int b = 0; b < batch.size(); b++) {
            float[] v = switch (descriptor.encoder().pooling()) {
                case NONE -> Arrays.copyOfRange(output.values(), b * dimension, (b + 1) * dimension);
                case CLS -> Arrays.copyOfRange(output.values(), b * batch.tokens() * dimension, (b * batch.tokens() + 1) * dimension);
                case MEAN -> meanPool(output.values(), b, batch.tokens(), dimension, batch.mask());
            };
            if (descriptor.encoder().normalize()) {
                normalize(v);
            }
            vectors[b] = v;
        }
        return vectors;
    }

    /** Mean of the token vectors of row {@code b} of a [batch, tokens, dimension] array, over its attention mask. */
    static float[] meanPool(float[] hidden, int b, int tokens, int dimension, long[] mask) {
        double[] sum = new double[dimension];
        int count = 0;
        for (int t = 0; t < tokens; t++) {
            if (mask[b * tokens + t] == 0) {
                continue;
            }
            count++;
            int offset = (b * tokens + t) * dimension;
            for (int d = 0; d < dimension; d++) {
                sum[d] += hidden[offset + d];
            }
        }
        float[] mean = new float[dimension];
        if (count > 0) {
            for (int d = 0; d < dimension; d++) {
                mean[d] = (float) (sum[d] / count);
            }
        }
        return mean;
    }

    /** Scales {@code v} to unit L2 norm in place; a zero vector stays zero. */
    static void normalize(float[] v) {
        double sumSquares = 0;
        for (float x : v) {
            sumSquares += (double) x * x;
        }
        double norm = Math.sqrt(sumSquares);
        if (norm > 1e-12) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
    }

    @Override
    public WordPieces wordPieces(String text) {
        if (text == null) {
            throw ModelException.badRequest("model [" + descriptor.id() + "]: the text to cut into word pieces is null");
        }
        return guard.call("failed to tokenize a text of " + text.length() + " characters", () -> tokenizer.wordPieces(text));
    }

    /** Frees the model's native memory once no call runs; later calls fail with a {@link ModelException}. */
    @Override
    public void close() {
        guard.close(tokenizer::close, model::close);
    }

    boolean isClosed() {
        return guard.isClosed();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + descriptor.id() + "]";
    }
}
