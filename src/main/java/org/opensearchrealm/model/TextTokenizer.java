/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * A model's {@code tokenizer.json}, loaded twice: once to make model inputs (special tokens added, truncated at the
 * descriptor's {@code max_tokens}, never padded: batches are padded to their longest member by the encoder), once to
 * cut texts into word pieces (no special tokens, no truncation). The truncation and padding written in the
 * tokenizer.json are replaced (the langchain4j MiniLM file truncates and pads to 128).
 *
 * <p>The Rust tokenizer reports offsets in Unicode code points; {@link #wordPieces} converts them to UTF-16 indices
 * so that {@code text.substring(start, end)} is a piece's text even with characters outside the BMP.
 */
final class TextTokenizer implements AutoCloseable {

    /** Token ids, token type ids and attention mask of one text. */
    record Tokens(long[] ids, long[] typeIds, long[] mask) {
        int length() {
            return ids.length;
        }
    }

    private final HuggingFaceTokenizer inputs;
    private final HuggingFaceTokenizer pieces;

    private TextTokenizer(HuggingFaceTokenizer inputs, HuggingFaceTokenizer pieces) {
        this.inputs = inputs;
        this.pieces = pieces;
    }

    /** Must run with the plugin's class loader as context class loader (DJL locates the native library with it). */
    static TextTokenizer create(byte[] tokenizerJson, int maxTokens) throws IOException {
        String max = Integer.toString(maxTokens);
        HuggingFaceTokenizer inputs = HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(tokenizerJson),
            Map.of(
                "addSpecialTokens",
                "true",
                "truncation",
                "longest_first",
                "padding",
                "false",
                "maxLength",
                max,
                "modelMaxLength",
                max,
                "withOverflowingTokens",
                "false"
            )
        );
        try {
            return new TextTokenizer(inputs, wordPieceTokenizer(tokenizerJson));
        } catch (IOException | RuntimeException | Error e) {
            inputs.close();
            throw e;
        }
    }

    /** The model's tokenizer without special tokens, truncation or padding: a text's word pieces with their spans. */
    static HuggingFaceTokenizer wordPieceTokenizer(byte[] tokenizerJson) throws IOException {
        return HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(tokenizerJson),
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "withOverflowingTokens", "false")
        );
    }

    Tokens encode(String text) {
        Encoding encoding = inputs.encode(text);
        return new Tokens(encoding.getIds(), encoding.getTypeIds(), encoding.getAttentionMask());
    }

    WordPieces wordPieces(String text) {
        Encoding encoding = pieces.encode(text);
        CharSpan[] spans = encoding.getCharTokenSpans();
        long[] rawWordIds = encoding.getWordIds();
        int n = spans.length;
        int[] starts = new int[n];
        int[] ends = new int[n];
        int[] wordIds = new int[n];
        int[] utf16 = codePointToUtf16(text);
        long previousRaw = Long.MIN_VALUE;
        int word = -1;
        for (int i = 0; i < n; i++) {
            starts[i] = toUtf16(utf16, spans[i].getStart(), text);
            ends[i] = toUtf16(utf16, spans[i].getEnd(), text);
            long raw = rawWordIds[i];
            // renumber words 0, 1, 2, ... in order; a piece without a word (-1) is a word of its own
            if (raw < 0 || raw != previousRaw) {
                word++;
            }
            previousRaw = raw;
            wordIds[i] = word;
        }
        return new WordPieces(starts, ends, wordIds);
    }

    /** Maps code point index to UTF-16 index, or {@code null} when the text has no surrogate pairs (identity). */
    static int[] codePointToUtf16(String text) {
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            return null;
        }
        int[] map = new int[codePoints + 1];
        int cp = 0;
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            map[cp++] = i;
        }
        map[cp] = text.length();
        return map;
    }

    static int toUtf16(int[] map, int codePointIndex, String text) {
        int index = map == null ? codePointIndex : map[Math.min(Math.max(codePointIndex, 0), map.length - 1)];
        return Math.min(Math.max(index, 0), text.length());
    }

    @Override
    public void close() {
        try {
            inputs.close();
        } finally {
            pieces.close();
        }
    }
}
