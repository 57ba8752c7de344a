/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearchrealm.model.ModelException;
import org.opensearchrealm.model.ModelGuard;
import org.opensearchrealm.model.QaModel;
import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.model.QaTokenizer.Window;
import org.opensearchrealm.model.Reader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Reader} made of a {@link QaTokenizer} (windows of question and passage) and a {@link QaModel} (start and end
 * logits, on any engine). The windows of all passages of a call are sorted by length and run in batches of at most
 * {@code maxBatch} windows of one length: nothing is padded, so no model computes over padding, and an ONNX reader
 * exported by the project takes its attention's unpadded (flash) path; the logits are turned into span probabilities
 * in plain Java ({@link SpanDecoder}).
 */
public final class ExtractiveReader implements Reader {

    private final String modelId;
    private final QaTokenizer tokenizer;
    private final QaModel model;
    private final int maxBatch;
    private final ModelGuard guard;

    /** Takes ownership of the tokenizer and the model: {@link #close} closes them. */
    public ExtractiveReader(String modelId, QaTokenizer tokenizer, QaModel model, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.modelId = modelId;
        this.tokenizer = tokenizer;
        this.model = model;
        this.maxBatch = maxBatch;
        this.guard = new ModelGuard(modelId);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    public QaTokenizer tokenizer() {
        return tokenizer;
    }

    public QaModel model() {
        return model;
    }

    @Override
    public List<PassageReading> read(String question, List<String> passages, int maxAnswerTokens, int topSpans) {
        if (question == null) {
            throw ModelException.badRequest("model [" + modelId + "]: the question is null");
        }
        if (passages == null) {
            throw ModelException.badRequest("model [" + modelId + "]: the list of passages is null");
        }
        for (int i = 0; i < passages.size(); i++) {
            if (passages.get(i) == null) {
                throw ModelException.badRequest("model [" + modelId + "]: passage [" + i + "] of " + passages.size() + " is null");
            }
        }
        if (maxAnswerTokens < 1) {
            throw ModelException.badRequest("model [" + modelId + "]: the longest answer must be at least 1 token, got [" + maxAnswerTokens + "]");
        }
        if (topSpans < 1) {
            throw ModelException.badRequest("model [" + modelId + "]: the number of spans per passage must be at least 1, got [" + topSpans + "]");
        }
        return guard.call("failed to read " + passages.size() + " passage(s)", () -> readOpen(question, passages, maxAnswerTokens, topSpans));
    }

    /** A window and the passage it belongs to. */
    private record Item(int passage, Window window) {}

    private List<PassageReading> readOpen(String question, List<String> passages, int maxAnswerTokens, int topSpans) {
        List<Item> items = new ArrayList<>();
        for (int p = 0; p < passages.size(); p++) {
            for (Window w : tokenizer.windows(question, passages.get(p))) {
                items.add(new Item(p, w));
            }
        }
        // longest first, so that the first batch shows at once whether the largest input fits
        items.sort((a, b) -> Integer.compare(b.window().length(), a.window().length()));
        List<List<SpanDecoder.WindowReading>> byPassage = new ArrayList<>(passages.size());
        for (int p = 0; p < passages.size(); p++) {
            byPassage.add(new ArrayList<>());
        }
        for (int from = 0, to; from < items.size(); from = to) {
            int length = items.get(from).window().length();
            to = from + 1;
            while (to < items.size() && to - from < maxBatch && items.get(to).window().length() == length) {
                to++;
            }
            List<Item> batch = items.subList(from, to);
            float[][][] logits = run(batch);
            for (int b = 0; b < batch.size(); b++) {
                Item item = batch.get(b);
                byPassage.get(item.passage())
                    .add(SpanDecoder.window(logits[b][0], logits[b][1], item.window(), maxAnswerTokens, topSpans));
            }
        }
        List<PassageReading> readings = new ArrayList<>(passages.size());
        for (int p = 0; p < passages.size(); p++) {
            readings.add(SpanDecoder.merge(passages.get(p), byPassage.get(p), topSpans));
        }
        return readings;
    }

    /** Runs the model on one batch of windows of one length. */
    private float[][][] run(List<Item> batch) {
        int size = batch.size();
        int tokens = batch.get(0).window().length();
        long[][] ids = new long[size][];
        long[][] mask = new long[size][tokens];
        long[][] types = new long[size][];
        for (int b = 0; b < size; b++) {
            Window w = batch.get(b).window();
            ids[b] = w.ids();
            Arrays.fill(mask[b], 1L);
            types[b] = w.typeIds();
        }
        float[][][] logits = model.logits(ids, mask, types);
        if (logits == null || logits.length != size) {
            throw ModelException.failed(
                "model [" + modelId + "] returned logits for " + (logits == null ? 0 : logits.length) + " window(s) instead of " + size,
                null
            );
        }
        for (float[][] row : logits) {
            if (row == null || row.length != 2 || row[0] == null || row[1] == null || row[0].length != tokens || row[1].length != tokens) {
                throw ModelException.failed("model [" + modelId + "] returned logits that are not [2][" + tokens + "] per window", null);
            }
        }
        return logits;
    }

    /** Closes the model and the tokenizer once no call runs; later calls fail with a {@link ModelException}. */
    @Override
    public void close() {
        guard.close(model::close, tokenizer::close);
    }

    public boolean isClosed() {
        return guard.isClosed();
    }

    @Override
    public String toString() {
        return "ExtractiveReader[" + modelId + "]";
    }
}
