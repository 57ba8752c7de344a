/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * A BERT word-piece tokenizer ({@code tokenizer.json}) for the reader: texts are cut into pieces without special
 * tokens or truncation, with each piece's UTF-16 character span (the Rust tokenizer reports code points), and the
 * reader assembles {@code [CLS] question [SEP] passage [SEP]} windows itself ({@link SpanWindows}).
 */
public final class TrainTokenizer implements AutoCloseable {

    /** Piece ids and their {@code [start, end)} UTF-16 spans in the text. */
    public record Pieces(long[] ids, int[] starts, int[] ends) {
        public int size() {
            return ids.length;
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final long clsId;
    private final long sepId;

    private TrainTokenizer(HuggingFaceTokenizer tokenizer, long clsId, long sepId) {
        this.tokenizer = tokenizer;
        this.clsId = clsId;
        this.sepId = sepId;
    }

    /** Needs DJL's tokenizers native library (see {@code NativeLibraries}). */
    public static TrainTokenizer create(byte[] tokenizerJson) throws IOException {
        HuggingFaceTokenizer pieces = HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(tokenizerJson),
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "withOverflowingTokens", "false")
        );
        try (
            HuggingFaceTokenizer special = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(tokenizerJson),
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false", "withOverflowingTokens", "false")
            )
        ) {
            long[] ids = special.encode("a", "b").getIds();
            long[] special1 = special.encode("a").getSpecialTokenMask();
            if (ids.length < 4 || special1[0] != 1) {
                throw new IOException("the tokenizer does not add BERT special tokens [CLS] a [SEP] b [SEP]");
            }
            return new TrainTokenizer(pieces, ids[0], ids[ids.length - 1]);
        } catch (IOException | RuntimeException e) {
            pieces.close();
            throw e;
        }
    }

    public long clsId() {
        return clsId;
    }

    public long sepId() {
        return sepId;
    }

    public Pieces pieces(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] map = codePointToUtf16(text);
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            CharSpan span = spans[i];
            starts[i] = span == null ? 0 : utf16(map, span.getStart(), text);
            ends[i] = span == null ? 0 : utf16(map, span.getEnd(), text);
        }
        return new Pieces(ids, starts, ends);
    }

    /** Code point index to UTF-16 index, or {@code null} when the two agree (no surrogate pairs). */
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

    private static int utf16(int[] map, int codePoint, String text) {
        int i = map == null ? codePoint : map[Math.min(Math.max(codePoint, 0), map.length - 1)];
        return Math.min(Math.max(i, 0), text.length());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
