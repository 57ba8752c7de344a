/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.text.BreakIterator;

/**
 * The extended grapheme clusters of a text (what a reader sees as one character: a letter and its combining marks, an
 * emoji ZWJ sequence, a flag, a Hangul syllable written in jamo), for snapping offsets outward to whole clusters.
 * Tokenizers drop or split what they do not need (BERT's strips combining accents), so their offsets can fall inside
 * a cluster; a passage or an answer cut there would lose part of a character.
 *
 * <p>The JDK's character break iterator follows the Unicode extended grapheme cluster rules since JDK 20; which
 * Unicode version depends on the JDK (Indic conjuncts are one cluster from JDK 22 on). Not thread-safe: one per text.
 */
public final class GraphemeClusters {

    private final int length;
    private final BreakIterator boundaries;

    public GraphemeClusters(String text) {
        this.length = text.length();
        this.boundaries = BreakIterator.getCharacterInstance();
        boundaries.setText(text);
    }

    /** The start of the cluster that holds {@code offset} ({@code offset} itself on a boundary). */
    public int start(int offset) {
        int at = clamp(offset);
        return boundaries.isBoundary(at) ? at : boundaries.preceding(at);
    }

    /** The end of the cluster that holds the character before {@code offset} ({@code offset} itself on a boundary). */
    public int end(int offset) {
        int at = clamp(offset);
        return boundaries.isBoundary(at) ? at : boundaries.following(at);
    }

    private int clamp(int offset) {
        return Math.min(Math.max(offset, 0), length);
    }
}
