/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a question and a passage into reader windows {@code [CLS] question [SEP] passage-part [SEP]} of at most
 * {@code maxTokens} tokens. The question is cut to {@code maxQueryTokens}; the passage parts start every
 * {@code docStride} pieces (BERT's run_squad meaning: the stride is the step between window starts) until one reaches
 * the passage's end, so consecutive windows overlap by {@code room - docStride} pieces.
 */
public final class SpanWindows {

    /**
     * One window.
     *
     * @param ids          token ids
     * @param typeIds      0 for {@code [CLS] question [SEP]}, 1 for the passage part and its {@code [SEP]}
     * @param passageStart index in {@code ids} of the first passage token
     * @param pieceFrom    index in the passage's pieces of that token
     * @param pieceCount   passage tokens in the window
     */
    public record Window(long[] ids, long[] typeIds, int passageStart, int pieceFrom, int pieceCount) {
        public int length() {
            return ids.length;
        }

        /** Window token index of passage piece {@code piece}, or -1 when the piece is not in this window. */
        public int tokenOf(int piece) {
            return piece >= pieceFrom && piece < pieceFrom + pieceCount ? passageStart + piece - pieceFrom : -1;
        }

        /** Passage piece index of window token {@code token}, or -1 when it is not a passage token. */
        public int pieceOf(int token) {
            return token >= passageStart && token < passageStart + pieceCount ? pieceFrom + token - passageStart : -1;
        }
    }

    private final int maxTokens;
    private final int docStride;
    private final int maxQueryTokens;

    public SpanWindows(int maxTokens, int docStride, int maxQueryTokens) {
        if (maxQueryTokens + 3 >= maxTokens || docStride < 1) {
            throw new IllegalArgumentException("bad window sizes: max " + maxTokens + ", stride " + docStride + ", query " + maxQueryTokens);
        }
        this.maxTokens = maxTokens;
        this.docStride = docStride;
        this.maxQueryTokens = maxQueryTokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int docStride() {
        return docStride;
    }

    public int maxQueryTokens() {
        return maxQueryTokens;
    }

    public List<Window> windows(long clsId, long sepId, TrainTokenizer.Pieces question, TrainTokenizer.Pieces passage) {
        int q = Math.min(question.size(), maxQueryTokens);
        int room = maxTokens - q - 3;
        int n = passage.size();
        List<Window> out = new ArrayList<>();
        for (int from = 0;; from += Math.min(docStride, room)) {
            int count = Math.min(room, n - from);
            long[] ids = new long[q + count + 3];
            long[] types = new long[ids.length];
            int k = 0;
            ids[k++] = clsId;
            for (int i = 0; i < q; i++) {
                ids[k++] = question.ids()[i];
            }
            ids[k++] = sepId;
            int passageStart = k;
            for (int i = 0; i < count; i++) {
                types[k] = 1;
                ids[k++] = passage.ids()[from + i];
            }
            types[k] = 1;
            ids[k] = sepId;
            out.add(new Window(ids, types, passageStart, from, count));
            if (from + count >= n) {
                break;
            }
        }
        return out;
    }

    /**
     * The passage pieces {@code [first, last]} covering the characters {@code [start, end)}, or {@code null} when no
     * piece overlaps them.
     */
    public static int[] pieceSpan(TrainTokenizer.Pieces passage, int start, int end) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < passage.size(); i++) {
            if (passage.ends()[i] > start && passage.starts()[i] < end) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        return first < 0 ? null : new int[] { first, last };
    }

    /** The best span of a window: max start + end logit, start ≤ end < start + maxAnswer, both in the passage part. */
    public record Span(int startToken, int endToken, float score) {}

    public static Span bestSpan(Window w, float[] start, float[] end, int offset, int maxAnswerTokens) {
        int best = -1;
        int bestEnd = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        int from = w.passageStart();
        int to = w.passageStart() + w.pieceCount();
        for (int i = from; i < to; i++) {
            float s = start[offset + i];
            int limit = Math.min(to, i + maxAnswerTokens);
            for (int j = i; j < limit; j++) {
                float score = s + end[offset + j];
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                    bestEnd = j;
                }
            }
        }
        return best < 0 ? null : new Span(best, bestEnd, bestScore);
    }
}
