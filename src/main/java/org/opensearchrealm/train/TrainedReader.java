/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearchrealm.read.BertConfig;
import org.opensearchrealm.read.BertQaBlock;
import org.opensearchrealm.read.ReaderWeights;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained extractive reader loaded from its directory ({@code reader.json}, {@code reader.safetensors},
 * {@code tokenizer.json}, as written by {@code TrainReader --export}) into a {@link BertQaBlock} on the PyTorch
 * engine. {@link #read} finds the best answer span of a passage for a question, with its exact UTF-16 character
 * offsets, and the best "no answer" score ({@code [CLS]} start + end logit over the windows).
 *
 * <p>Not thread-safe for concurrent {@link #close}; {@link #read} may be called from several threads.
 */
public final class TrainedReader implements AutoCloseable {

    public static final String DESCRIPTOR = "reader.json";

    /** The best span: {@code passage.substring(start, end)}; {@code score} = start + end logit; {@code noAnswer} = CLS score. */
    public record Answer(String text, int start, int end, float score, float noAnswer) {}

    private final NDManager manager;
    private final BertQaBlock block;
    private final TrainTokenizer tokenizer;
    private final SpanWindows windows;
    private final int maxAnswerTokens;

    private TrainedReader(NDManager manager, BertQaBlock block, TrainTokenizer tokenizer, SpanWindows windows, int maxAnswerTokens) {
        this.manager = manager;
        this.block = block;
        this.tokenizer = tokenizer;
        this.windows = windows;
        this.maxAnswerTokens = maxAnswerTokens;
    }

    /** Loads the reader in {@code dir}; the PyTorch engine and the tokenizers library must be configured. */
    @SuppressWarnings("unchecked")
    public static TrainedReader load(Path dir) throws IOException {
        Map<String, Object> d;
        try (
            XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                Files.readString(dir.resolve(DESCRIPTOR))
            )
        ) {
            d = p.map();
        }
        if ("djl-bert-qa".equals(d.get("format")) == false) {
            throw new IOException("[" + dir.resolve(DESCRIPTOR) + "] is not a djl-bert-qa reader");
        }
        Map<String, Object> files = (Map<String, Object>) d.get("files");
        Map<String, Object> a = (Map<String, Object>) d.get("architecture");
        BertConfig config = new BertConfig(
            num(a, "vocab"),
            num(a, "hidden"),
            num(a, "layers"),
            num(a, "heads"),
            num(a, "intermediate"),
            num(a, "max_positions"),
            2,
            ((Number) a.getOrDefault("layer_norm_eps", 1e-12)).floatValue(),
            0f
        );
        SpanWindows windows = new SpanWindows(num(d, "max_tokens"), num(d, "doc_stride"), num(d, "max_query_tokens"));
        TrainTokenizer tokenizer = TrainTokenizer.create(Files.readAllBytes(dir.resolve((String) files.get("tokenizer"))));
        NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
        try {
            BertQaBlock block = new BertQaBlock(config);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
            ReaderWeights.load(ReaderWeights.readSafetensors(dir.resolve((String) files.get("weights")), null), block.hfParameters());
            return new TrainedReader(manager, block, tokenizer, windows, num(d, "max_answer_tokens"));
        } catch (IOException | RuntimeException e) {
            manager.close();
            tokenizer.close();
            throw e;
        }
    }

    private static int num(Map<String, Object> m, String key) throws IOException {
        Object v = m.get(key);
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new IOException("reader descriptor: [" + key + "] must be a number, got [" + v + "]");
    }

    public BertQaBlock block() {
        return block;
    }

    /** The best answer span of {@code passage} for {@code question}, or {@code null} for an empty passage. */
    public Answer read(String question, String passage) {
        TrainTokenizer.Pieces q = tokenizer.pieces(question);
        TrainTokenizer.Pieces p = tokenizer.pieces(passage);
        if (p.size() == 0) {
            return null;
        }
        List<SpanWindows.Window> ws = windows.windows(tokenizer.clsId(), tokenizer.sepId(), q, p);
        int t = 0;
        for (SpanWindows.Window w : ws) {
            t = Math.max(t, w.length());
        }
        long[][] ids = new long[ws.size()][t];
        long[][] types = new long[ws.size()][t];
        long[][] mask = new long[ws.size()][t];
        for (int b = 0; b < ws.size(); b++) {
            SpanWindows.Window w = ws.get(b);
            for (int i = 0; i < w.length(); i++) {
                ids[b][i] = w.ids()[i];
                types[b][i] = w.typeIds()[i];
                mask[b][i] = 1;
            }
        }
        try (NDManager m = manager.newSubManager()) {
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.create(ids), m.create(types), m.create(mask)), false);
            float[] start = out.get(0).toFloatArray();
            float[] end = out.get(1).toFloatArray();
            SpanWindows.Span best = null;
            SpanWindows.Window bestWindow = null;
            float noAnswer = Float.NEGATIVE_INFINITY;
            for (int b = 0; b < ws.size(); b++) {
                noAnswer = Math.max(noAnswer, start[b * t] + end[b * t]);
                SpanWindows.Span s = SpanWindows.bestSpan(ws.get(b), start, end, b * t, maxAnswerTokens);
                if (s != null && (best == null || s.score() > best.score())) {
                    best = s;
                    bestWindow = ws.get(b);
                }
            }
            int from = p.starts()[bestWindow.pieceOf(best.startToken())];
            int to = p.ends()[bestWindow.pieceOf(best.endToken())];
            return new Answer(passage.substring(from, to), from, to, best.score(), noAnswer);
        }
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            manager.close();
        }
    }
}
