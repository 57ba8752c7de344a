/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model.bert;

/**
 * The shape of an HF-style BERT encoder. The head count is not recorded in the weights, so it must be known.
 *
 * @param vocabSize         word-piece vocabulary size
 * @param hidden            hidden size
 * @param layers            number of transformer layers
 * @param heads             attention heads per layer
 * @param intermediate      feed-forward inner size
 * @param maxPositions      number of learned positions
 * @param typeVocabSize     number of token types (segments)
 * @param layerNormEpsilon  LayerNorm epsilon (HF BERT: 1e-12)
 * @param dropout           hidden and attention-probability dropout during training
 */
public record BertConfig(
    int vocabSize,
    int hidden,
    int layers,
    int heads,
    int intermediate,
    int maxPositions,
    int typeVocabSize,
    float layerNormEpsilon,
    float dropout
) {

    public BertConfig {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of the head count " + heads);
        }
    }

    /** sentence-transformers/all-MiniLM-L6-v2. */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, 0.1f);
    }

    /** BAAI/bge-small-en-v1.5. */
    public static BertConfig bgeSmall() {
        return new BertConfig(30522, 384, 12, 12, 1536, 512, 2, 1e-12f, 0.1f);
    }

    public BertConfig withDropout(float rate) {
        return new BertConfig(vocabSize, hidden, layers, heads, intermediate, maxPositions, typeVocabSize, layerNormEpsilon, rate);
    }

    public int headSize() {
        return hidden / heads;
    }
}
