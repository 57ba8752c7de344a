/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.WordPieces;

import java.util.ArrayList;
import java.util.List;

public class PassageSplitterTests extends OpenSearchTestCase {

    /** Word pieces of a text where every whitespace-separated word has as many pieces as its length / 3, rounded up. */
    static WordPieces pieces(String text) {
        List<int[]> spans = new ArrayList<>(); // start, end, word
        int word = 0;
        int i = 0;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
                continue;
            }
            int end = i;
            while (end < text.length() && Character.isWhitespace(text.charAt(end)) == false) {
                end++;
            }
            for (int p = i; p < end; p += 3) {
                spans.add(new int[] { p, Math.min(end, p + 3), word });
            }
            word++;
            i = end;
        }
        return new WordPieces(
            spans.stream().mapToInt(s -> s[0]).toArray(),
            spans.stream().mapToInt(s -> s[1]).toArray(),
            spans.stream().mapToInt(s -> s[2]).toArray()
        );
    }

    public void testShortTextIsOnePassage() {
        String text = "  The quick brown fox.  ";
        List<Passage> passages = new PassageSplitter(200, 32).split(text, pieces(text));
        assertEquals(1, passages.size());
        assertEquals(new Passage(0, 2, 22, "The quick brown fox."), passages.get(0));
    }

    public void testEmptyTextHasNoPassages() {
        assertEquals(List.of(), new PassageSplitter(10, 2).split(" \n ", pieces(" \n ")));
    }

    public void testPassagesRespectSizeNeverCutWordsAndOverlap() {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < 500; w++) {
            b.append(randomAlphaOfLengthBetween(1, 11)).append(randomFrom(" ", "  ", "\n"));
        }
        String text = b.toString();
        WordPieces pieces = pieces(text);
        int max = randomIntBetween(8, 60);
        int overlap = randomIntBetween(0, max / 2);
        List<Passage> passages = new PassageSplitter(max, overlap).split(text, pieces);
        assertTrue(passages.size() > 1);
        int previousStart = -1;
        for (int n = 0; n < passages.size(); n++) {
            Passage p = passages.get(n);
            assertEquals(n, p.number());
            assertEquals(text.substring(p.start(), p.end()), p.text());
            assertTrue("passage must start on a word", p.start() == 0 || Character.isWhitespace(text.charAt(p.start() - 1)));
            assertTrue("passage must end on a word", p.end() == text.length() || Character.isWhitespace(text.charAt(p.end())));
            assertTrue("passages must move on", p.start() > previousStart);
            assertTrue("passage over the limit: " + p, pieces(p.text()).size() <= max);
            previousStart = p.start();
        }
        assertEquals("the text must be covered to its end", text.stripTrailing().length(), passages.get(passages.size() - 1).end());
        for (int n = 1; n < passages.size(); n++) {
            Passage before = passages.get(n - 1);
            Passage after = passages.get(n);
            assertTrue("no gap between passages", after.start() <= before.end() + 2);
            if (overlap == 0) {
                assertTrue("no overlap expected", after.start() > before.end() - 1);
            }
        }
    }

    public void testOverlapRepeatsTheTailOfThePreviousPassage() {
        String text = "a b c d e f g h i j";
        List<Passage> passages = new PassageSplitter(4, 2).split(text, pieces(text));
        assertEquals("a b c d", passages.get(0).text());
        assertEquals("c d e f", passages.get(1).text());
        assertEquals("e f g h", passages.get(2).text());
        assertEquals("g h i j", passages.get(3).text());
        assertEquals(4, passages.size());
    }

    public void testWordLongerThanLimitIsAPassageOfItsOwn() {
        String text = "tiny enormouslylongword tiny";
        List<Passage> passages = new PassageSplitter(3, 1).split(text, pieces(text));
        assertEquals(List.of("tiny", "enormouslylongword", "tiny"), passages.stream().map(Passage::text).toList());
    }

    public void testInvalidSizes() {
        expectThrows(IllegalArgumentException.class, () -> new PassageSplitter(0, 0));
        expectThrows(IllegalArgumentException.class, () -> new PassageSplitter(10, 10));
        expectThrows(IllegalArgumentException.class, () -> new PassageSplitter(10, -1));
    }
}
