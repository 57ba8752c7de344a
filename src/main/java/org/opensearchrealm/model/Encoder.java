/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.util.List;

/**
 * A text encoder that maps texts to dense vectors. Implementations are thread-safe; calls block, so callers run them
 * on the inference executor, never on transport or search threads.
 */
public interface Encoder {

    /** What a text is, so the model's query or passage prefix can be applied. */
    enum TextKind {
        QUERY,
        PASSAGE
    }

    ModelDescriptor descriptor();

    /** Length of the vectors this encoder returns. */
    default int dimension() {
        return descriptor().encoder().dimension();
    }

    /**
     * Embeds the texts as batches padded only to their longest member, truncating each text at the model's maximum
     * token count.
     *
     * @throws ModelException when inference fails; never an {@link Error}
     */
    float[][] embed(List<String> texts, TextKind kind);

    /**
     * Splits a text into the model's word pieces (no special tokens, no truncation), with UTF-16 offsets into the text,
     * so that passages can be cut by word-piece count without cutting a word.
     */
    WordPieces wordPieces(String text);
}
