/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

import org.opensearchrealm.model.GraphemeClusters;
import org.opensearchrealm.model.WordPieces;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text into overlapping passages of at most {@code maxPieces} word pieces, always on word boundaries (as REALM
 * cut Wikipedia into 288-wordpiece blocks). A single word longer than the limit becomes a passage of its own.
 * Passage boundaries are widened to whole grapheme clusters: the tokenizer's pieces can end before the combining marks
 * it strips ("cafe" of a decomposed "café").
 */
public final class PassageSplitter {

    private final int maxPieces;
    private final int overlapPieces;

    public PassageSplitter(int maxPieces, int overlapPieces) {
        if (maxPieces < 1) {
            throw new IllegalArgumentException("passage size must be at least 1 token, got [" + maxPieces + "]");
        }
        if (overlapPieces < 0 || overlapPieces >= maxPieces) {
            throw new IllegalArgumentException(
                "overlap must be between 0 and the passage size [" + maxPieces + "] exclusive, got [" + overlapPieces + "]"
            );
        }
        this.maxPieces = maxPieces;
        this.overlapPieces = overlapPieces;
    }

    public List<Passage> split(String text, WordPieces pieces) {
        List<int[]> words = words(pieces); // {firstPiece, pieceCount}
        List<Passage> passages = new ArrayList<>();
        GraphemeClusters clusters = words.isEmpty() ? null : new GraphemeClusters(text);
        int first = 0;
        while (first < words.size()) {
            int last = first;
            int count = words.get(first)[1];
            while (last + 1 < words.size() && count + words.get(last + 1)[1] <= maxPieces) {
                last++;
                count += words.get(last)[1];
            }
            int start = clusters.start(pieces.starts()[words.get(first)[0]]);
            int[] lastWord = words.get(last);
            int end = clusters.end(pieces.ends()[lastWord[0] + lastWord[1] - 1]);
            passages.add(new Passage(passages.size(), start, end, text.substring(start, end)));
            if (last == words.size() - 1) {
                break;
            }
            first = nextFirst(words, first, last);
        }
        return passages;
    }

    /** The first word of the next passage: as far back from the end as the overlap allows, but always moving on. */
    private int nextFirst(List<int[]> words, int first, int last) {
        int next = last + 1;
        int overlap = 0;
        while (next - 1 > first && overlap + words.get(next - 1)[1] <= overlapPieces) {
            next--;
            overlap += words.get(next)[1];
        }
        return next;
    }

    private static List<int[]> words(WordPieces pieces) {
        List<int[]> words = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            if (i == 0 || pieces.wordIds()[i] != pieces.wordIds()[i - 1]) {
                words.add(new int[] { i, 1 });
            } else {
                words.get(words.size() - 1)[1]++;
            }
        }
        return words;
    }
}
