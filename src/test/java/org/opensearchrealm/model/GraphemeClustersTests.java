/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.test.OpenSearchTestCase;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;

public class GraphemeClustersTests extends OpenSearchTestCase {

    /**
     * Words in decomposed (NFD) form whose clusters span several code points, one per script or kind, and each word's
     * cluster ends (UTF-16 offsets into the word) as every JDK from 21 on draws them.
     */
    public static final List<String> NFD_WORDS = List.of(
        "Zoe\u0308", // Latin e + combining diaeresis
        "cafe\u0301", // Latin e + combining acute
        "\u0391\u03b8\u03b7\u0301\u03bd\u03b1", // Greek Athina, eta + acute
        "\u0438\u0306\u043e\u0434", // Cyrillic i + breve (short i)
        "\u0939\u093f\u0902\u0926\u0940", // Devanagari "hindi" with vowel signs and anusvara
        "\u0915\u094d", // Devanagari ka + virama
        "\u1112\u1161\u11ab\u1100\u116e\u11a8", // Hangul "hanguk" as conjoining jamo
        "\ud83d\udc69\u200d\ud83d\udd2c", // woman scientist: emoji ZWJ sequence
        "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66", // family of four
        "\ud83d\udc4b\ud83c\udffd", // waving hand + skin tone modifier
        "\ud83c\uddeb\ud83c\uddf7\ud83c\udde9\ud83c\uddea" // the flags of France and Germany: two regional-indicator pairs
    );

    /** Whether {@code offset} is a cluster boundary of {@code text}, as the JDK draws them. */
    public static boolean isBoundary(String text, int offset) {
        BreakIterator b = BreakIterator.getCharacterInstance();
        b.setText(text);
        return b.isBoundary(offset);
    }

    private static List<Integer> boundaries(String text) {
        BreakIterator b = BreakIterator.getCharacterInstance();
        b.setText(text);
        List<Integer> all = new ArrayList<>();
        for (int i = b.first(); i != BreakIterator.DONE; i = b.next()) {
            all.add(i);
        }
        return all;
    }

    /** The JDK draws the clusters these tests rely on (any JDK 21+: these do not depend on Unicode 15.1's conjuncts). */
    public void testJdkClusters() {
        assertEquals(List.of(0, 1, 2, 4), boundaries("Zoe\u0308"));
        assertEquals(List.of(0, 1, 2, 3, 5), boundaries("cafe\u0301"));
        assertEquals(List.of(0, 1, 2, 4, 5, 6), boundaries("\u0391\u03b8\u03b7\u0301\u03bd\u03b1"));
        assertEquals(List.of(0, 2, 3, 4), boundaries("\u0438\u0306\u043e\u0434"));
        assertEquals(List.of(0, 3, 5), boundaries("\u0939\u093f\u0902\u0926\u0940"));
        assertEquals(List.of(0, 2), boundaries("\u0915\u094d"));
        assertEquals(List.of(0, 3, 6), boundaries("\u1112\u1161\u11ab\u1100\u116e\u11a8"));
        assertEquals(List.of(0, 5), boundaries("\ud83d\udc69\u200d\ud83d\udd2c"));
        assertEquals(List.of(0, 11), boundaries("\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66"));
        assertEquals(List.of(0, 4), boundaries("\ud83d\udc4b\ud83c\udffd"));
        assertEquals(List.of(0, 4, 8), boundaries("\ud83c\uddeb\ud83c\uddf7\ud83c\udde9\ud83c\uddea"));
    }

    public void testSnapsOutwardToWholeClusters() {
        String text = "prize was Zoe\u0308. \ud83c\uddeb\ud83c\uddf7!";
        GraphemeClusters clusters = new GraphemeClusters(text);
        int zoe = text.indexOf("Zoe");
        assertEquals(zoe + 4, clusters.end(zoe + 3)); // just before U+0308: moved past it
        assertEquals(zoe + 4, clusters.end(zoe + 4));
        assertEquals(zoe + 2, clusters.start(zoe + 3)); // inside "e\u0308": back to the e
        assertEquals(zoe, clusters.start(zoe));
        int flag = text.indexOf('\ud83c');
        for (int i = flag + 1; i < flag + 4; i++) {
            assertEquals(flag, clusters.start(i));
            assertEquals(flag + 4, clusters.end(i));
        }
        assertEquals(0, clusters.start(0));
        assertEquals(0, clusters.end(0));
        assertEquals(text.length(), clusters.end(text.length()));
        assertEquals(text.length(), clusters.end(text.length() + 5));
        assertEquals(0, clusters.start(-1));
        assertEquals(0, new GraphemeClusters("").end(0));
    }

    public void testEveryOffsetSnapsToBoundariesAroundIt() {
        String text = String.join(" ", NFD_WORDS);
        GraphemeClusters clusters = new GraphemeClusters(text);
        for (int i = 0; i <= text.length(); i++) {
            int start = clusters.start(i);
            int end = clusters.end(i);
            assertTrue(start <= i && i <= end);
            assertTrue("start " + start, isBoundary(text, start));
            assertTrue("end " + end, isBoundary(text, end));
            for (int j = start + 1; j < i; j++) {
                assertFalse(isBoundary(text, j));
            }
            for (int j = i + 1; j < end; j++) {
                assertFalse(isBoundary(text, j));
            }
        }
    }
}
