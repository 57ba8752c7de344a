/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.GraphemeClustersTests;
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

    /**
     * Word pieces as a BERT tokenizer cuts decomposed text: combining marks and joiners belong to no piece (it strips
     * them), and every other code point is a piece of its own (so pieces split clusters).
     */
    static WordPieces strippingPieces(String text) {
        List<int[]> spans = new ArrayList<>(); // start, end, word
        int word = -1;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int c = text.codePointAt(i);
            int type = Character.getType(c);
            if (Character.isWhitespace(c)) {
                inWord = false;
            } else if (type != Character.NON_SPACING_MARK && type != Character.ENCLOSING_MARK && type != Character.FORMAT) {
                if (inWord == false) {
                    word++;
                    inWord = true;
                }
                spans.add(new int[] { i, i + Character.charCount(c), word });
            }
        }
        return new WordPieces(
            spans.stream().mapToInt(s -> s[0]).toArray(),
            spans.stream().mapToInt(s -> s[1]).toArray(),
            spans.stream().mapToInt(s -> s[2]).toArray()
        );
    }

    public void testPassageEndsTakeTheCombiningMarksOfTheirLastLetter() {
        String text = "The menu of the little cafe\u0301 on the square";
        List<Passage> passages = new PassageSplitter(22, 0).split(text, strippingPieces(text));
        assertEquals("The menu of the little cafe\u0301", passages.get(0).text());
        assertEquals("on the square", passages.get(1).text());
    }

    public void testPassagesNeverSplitAGraphemeCluster() {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < 300; w++) {
            b.append(randomBoolean() ? randomFrom(GraphemeClustersTests.NFD_WORDS) : randomAlphaOfLengthBetween(1, 6)).append(randomFrom(" ", "\n"));
        }
        String text = b.toString();
        int max = randomIntBetween(4, 40);
        List<Passage> passages = new PassageSplitter(max, randomIntBetween(0, max / 2)).split(text, strippingPieces(text));
        boolean[] covered = new boolean[text.length()];
        for (Passage p : passages) {
            assertTrue("start inside a cluster: " + p, GraphemeClustersTests.isBoundary(text, p.start()));
            assertTrue("end inside a cluster: " + p, GraphemeClustersTests.isBoundary(text, p.end()));
            assertEquals(text.substring(p.start(), p.end()), p.text());
            for (int i = p.start(); i < p.end(); i++) {
                covered[i] = true;
            }
        }
        for (int i = 0; i < text.length(); i++) {
            assertTrue("character " + i + " of a word is in no passage", covered[i] || Character.isWhitespace(text.charAt(i)));
        }
    }

    public void testInvalidSizes() {
        expectThrows(IllegalArgumentException.class, () -> new PassageSplitter(0, 0));
        expectThrows(IllegalArgumentException.class, () -> new PassageSplitter(10, 10));
        expectThrows(IllegalArgumentException.class, () -> new PassageSplitter(10, -1));
    }
}
