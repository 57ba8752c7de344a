/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Cuts a question and a passage into the windows an extractive QA model reads: {@code [CLS] question [SEP]
 * passage-part [SEP]} (or whatever pair template the model's tokenizer.json has), at most {@code max_tokens} long,
 * consecutive windows sharing {@code doc_stride} passage tokens. This is the Hugging Face tokenizers' pair encoding
 * with truncation {@code only_second}, a stride and the overflowing tokens, as Hugging Face's own QA scripts use it,
 * so that imported models read windows like the ones they were trained on.
 *
 * <p>A question longer than {@code max_question_tokens} word pieces is cut first, so that every window has room for
 * more than {@code doc_stride} passage tokens (the tokenizer would fail otherwise). Offsets of passage tokens are
 * UTF-16 indices into the passage (the native tokenizer counts code points).
 *
 * <p>Thread-safe. The truncation and padding written in the tokenizer.json are replaced.
 */
public final class QaTokenizer implements AutoCloseable {

    /**
     * One window: token ids and token type ids, and for each token its UTF-16 offsets {@code [starts[t], ends[t])}
     * into the passage, or {@code -1} for a token that is not part of the passage (question, special tokens).
     */
    public record Window(long[] ids, long[] typeIds, int[] starts, int[] ends) {
        public int length() {
            return ids.length;
        }

        /** Whether token {@code t} is a passage token (a possible part of an answer). */
        public boolean inPassage(int t) {
            return starts[t] >= 0;
        }
    }

    private final HuggingFaceTokenizer pair;
    private final HuggingFaceTokenizer pieces;
    private final int maxTokens;
    private final int docStride;
    private final int maxQuestionTokens;
    private final int pairSpecialTokens;

    private QaTokenizer(HuggingFaceTokenizer pair, HuggingFaceTokenizer pieces, int maxTokens, int docStride, int maxQuestionTokens) {
        this.pair = pair;
        this.pieces = pieces;
        this.maxTokens = maxTokens;
        this.docStride = docStride;
        this.maxQuestionTokens = maxQuestionTokens;
        this.pairSpecialTokens = specialTokens(pair);
        int room = maxTokens - maxQuestionTokens - pairSpecialTokens;
        if (docStride >= room) {
            throw new IllegalArgumentException(
                "doc_stride ["
                    + docStride
                    + "] must be smaller than max_tokens - max_question_tokens - special tokens = "
                    + maxTokens
                    + " - "
                    + maxQuestionTokens
                    + " - "
                    + pairSpecialTokens
                    + " = "
                    + room
            );
        }
    }

    /**
     * Loads a tokenizer.json for reading windows.
     *
     * @param maxTokens         window length, special tokens included
     * @param docStride         passage tokens shared by consecutive windows
     * @param maxQuestionTokens questions are cut to this many word pieces
     * @throws IOException              for an unreadable tokenizer.json (and anything else the native tokenizer throws)
     * @throws IllegalArgumentException when a window would have no room for more than {@code docStride} passage tokens
     */
    public static QaTokenizer create(byte[] tokenizerJson, int maxTokens, int docStride, int maxQuestionTokens) throws Exception {
        return NativeLibraries.withPluginClassLoader(() -> {
            String max = Integer.toString(maxTokens);
            HuggingFaceTokenizer pair = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(tokenizerJson),
                Map.of(
                    "addSpecialTokens",
                    "true",
                    "truncation",
                    "only_second",
                    "padding",
                    "false",
                    "maxLength",
                    max,
                    "modelMaxLength",
                    max,
                    "stride",
                    Integer.toString(docStride),
                    "withOverflowingTokens",
                    "true"
                )
            );
            HuggingFaceTokenizer pieces = null;
            try {
                pieces = TextTokenizer.wordPieceTokenizer(tokenizerJson);
                return new QaTokenizer(pair, pieces, maxTokens, docStride, maxQuestionTokens);
            } catch (IOException | RuntimeException | Error e) {
                pair.close();
                if (pieces != null) {
                    pieces.close();
                }
                throw e;
            }
        });
    }

    /** Special tokens the pair template adds (3 for BERT's {@code [CLS] a [SEP] b [SEP]}). */
    private static int specialTokens(HuggingFaceTokenizer pair) {
        Encoding encoding = pair.encode("a", "a");
        int specials = 0;
        for (long m : encoding.getSpecialTokenMask()) {
            specials += (int) m;
        }
        return specials;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int docStride() {
        return docStride;
    }

    public int maxQuestionTokens() {
        return maxQuestionTokens;
    }

    /** Special tokens in each window. */
    public int pairSpecialTokens() {
        return pairSpecialTokens;
    }

    /**
     * The question, cut after its {@code max_question_tokens}-th word piece if it has more. (A word cut in its middle
     * can, rarely, tokenise into more pieces than before: the cut moves back until the question fits.)
     */
    public String question(String question) {
        String cut = question;
        int keep = maxQuestionTokens;
        boolean first = true;
        while (true) {
            CharSpan[] spans = pieces.encode(cut).getCharTokenSpans();
            if (spans.length <= maxQuestionTokens) {
                return cut;
            }
            if (first == false) {
                // the cut text tokenised into more pieces than the cut kept: move back by the excess
                keep -= spans.length - maxQuestionTokens;
            }
            first = false;
            if (keep <= 0) {
                return "";
            }
            // the cut is a prefix of the question: offsets into it are offsets into the question
            int[] utf16 = TextTokenizer.codePointToUtf16(cut);
            cut = cut.substring(0, TextTokenizer.toUtf16(utf16, spans[keep - 1].getEnd(), cut));
        }
    }

    /**
     * The windows of a question and a passage, in passage order. A passage without any token (empty, or only
     * characters the tokenizer drops) has no window.
     */
    public List<Window> windows(String question, String passage) {
        String q = question(question);
        Encoding first = pair.encode(q, passage);
        List<Encoding> encodings = new ArrayList<>();
        encodings.add(first);
        encodings.addAll(Arrays.asList(first.getOverflowing()));
        int[] utf16 = TextTokenizer.codePointToUtf16(passage);
        List<Window> windows = new ArrayList<>(encodings.size());
        for (Encoding encoding : encodings) {
            long[] sequenceIds = encoding.getSequenceIds();
            long[] special = encoding.getSpecialTokenMask();
            CharSpan[] spans = encoding.getCharTokenSpans();
            int n = encoding.getIds().length;
            int[] starts = new int[n];
            int[] ends = new int[n];
            boolean any = false;
            for (int t = 0; t < n; t++) {
                if (sequenceIds[t] == 1 && special[t] == 0 && spans[t] != null) {
                    starts[t] = TextTokenizer.toUtf16(utf16, spans[t].getStart(), passage);
                    ends[t] = TextTokenizer.toUtf16(utf16, spans[t].getEnd(), passage);
                    any = true;
                } else {
                    starts[t] = -1;
                    ends[t] = -1;
                }
            }
            if (any) {
                windows.add(new Window(encoding.getIds(), encoding.getTypeIds(), starts, ends));
            }
        }
        return windows;
    }

    @Override
    public void close() {
        try {
            pair.close();
        } finally {
            pieces.close();
        }
    }
}
