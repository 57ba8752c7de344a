/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.GraphemeClustersTests;
import org.opensearchrealm.model.QaTokenizer.Window;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.model.Reader.PassageReading;
import org.opensearchrealm.read.SpanDecoder.Candidate;
import org.opensearchrealm.read.SpanDecoder.WindowReading;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.hamcrest.Matchers.lessThanOrEqualTo;

/** The span arithmetic, on hand-made windows and logits (no model, no tokenizer). */
public class SpanDecoderTests extends OpenSearchTestCase {

    /**
     * A window {@code [CLS] q q [SEP] p0 .. p(n-1) [SEP]} over a passage of words of 4 characters ("w00 w01 ..."):
     * passage token i covers [4i, 4i + 3).
     */
    private static Window window(int passageTokens, int firstPassageToken) {
        int n = passageTokens + 5;
        long[] ids = new long[n];
        long[] types = new long[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        Arrays.fill(starts, -1);
        Arrays.fill(ends, -1);
        for (int i = 0; i < passageTokens; i++) {
            int t = i + 4;
            int word = firstPassageToken + i;
            ids[t] = 100 + word;
            types[t] = 1;
            starts[t] = 4 * word;
            ends[t] = 4 * word + 3;
        }
        return new Window(ids, types, starts, ends);
    }

    private static String passage(int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(String.format(java.util.Locale.ROOT, "w%02d ", i));
        }
        return sb.toString();
    }

    public void testSoftmaxCoversClsAndPassageOnly() {
        Window w = window(3, 0); // tokens: CLS q q SEP p p p SEP
        float[] logits = { 1f, 50f, 50f, 50f, 2f, 3f, 0f, 50f };
        double[] p = SpanDecoder.softmax(logits, w);
        assertEquals(0.0, p[1] + p[2] + p[3] + p[7], 0.0);
        assertEquals(1.0, p[0] + p[4] + p[5] + p[6], 1e-12);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(0);
        assertEquals(Math.exp(3) / z, p[5], 1e-12);
        // huge logits do not overflow
        float[] huge = { 1000f, 0f, 0f, 0f, 999f, 0f, 0f, 0f };
        double[] q = SpanDecoder.softmax(huge, w);
        assertEquals(1 / (1 + Math.exp(-1)), q[0], 1e-12);
    }

    public void testBestSpanAndNoAnswer() {
        Window w = window(4, 0);
        String passage = passage(4);
        //                CLS  q   q   SEP  p0  p1  p2  p3  SEP
        float[] start = { 0f, 9f, 9f, 9f, 1f, 5f, 0f, 0f, 9f };
        float[] end = { 0f, 9f, 9f, 9f, 0f, 0f, 6f, 1f, 9f };
        WindowReading r = SpanDecoder.window(start, end, w, 30, 3);
        Candidate best = r.spans().get(0);
        assertEquals(4, best.start()); // p1
        assertEquals(11, best.end()); // p2
        assertEquals(5.0, best.startLogit(), 0);
        assertEquals(6.0, best.endLogit(), 0);
        double[] ps = SpanDecoder.softmax(start, w);
        double[] pe = SpanDecoder.softmax(end, w);
        assertEquals(ps[5] * pe[6], best.probability(), 1e-15);
        assertEquals(ps[0] * pe[0], r.noAnswerProbability(), 1e-15);
        assertEquals(3, r.spans().size());
        for (int i = 1; i < r.spans().size(); i++) {
            assertThat(r.spans().get(i).probability(), lessThanOrEqualTo(r.spans().get(i - 1).probability()));
        }
        // end before start is never a span: p2..p1 is not considered even though start(p2)... and end(p1) are set
        for (Candidate c : SpanDecoder.window(start, end, w, 30, 100).spans()) {
            assertTrue(c.start() <= c.end());
        }
        PassageReading reading = SpanDecoder.merge(passage, List.of(r), 3);
        assertEquals("w01 w02", reading.spans().get(0).text());
        assertEquals(passage.substring(4, 11), reading.spans().get(0).text());
    }

    public void testMaxAnswerTokens() {
        Window w = window(10, 0);
        float[] start = new float[w.length()];
        float[] end = new float[w.length()];
        start[4] = 10f; // p0
        end[13] = 10f; // p9: the span p0..p9 has 10 tokens
        end[6] = 5f; // p2
        for (int max = 1; max <= 12; max++) {
            WindowReading r = SpanDecoder.window(start, end, w, max, 1000);
            for (Candidate c : r.spans()) {
                int tokens = (c.end() + 1) / 4 - c.start() / 4;
                assertThat("max " + max, tokens, lessThanOrEqualTo(max));
            }
            Candidate best = r.spans().get(0);
            if (max >= 10) {
                assertEquals(0, best.start());
                assertEquals(39, best.end());
            } else if (max >= 3) {
                assertEquals(0, best.start());
                assertEquals(11, best.end());
            }
            // every allowed span is there: sum over s of min(max, n - s)
            int expected = 0;
            for (int s = 0; s < 10; s++) {
                expected += Math.min(max, 10 - s);
            }
            assertEquals(expected, r.spans().size());
        }
    }

    /** With every span counted, p(no answer) + sum of p(span) <= 1, and = 1 without a length limit plus the mixed pairs. */
    public void testProbabilitiesSumToAtMostOne() {
        for (int iteration = 0; iteration < 50; iteration++) {
            int n = between(1, 30);
            Window w = window(n, 0);
            float[] start = new float[w.length()];
            float[] end = new float[w.length()];
            for (int t = 0; t < w.length(); t++) {
                start[t] = (float) (randomDouble() * 20 - 10);
                end[t] = (float) (randomDouble() * 20 - 10);
            }
            int max = between(1, n + 2);
            WindowReading r = SpanDecoder.window(start, end, w, max, 100_000);
            double sum = r.noAnswerProbability();
            for (Candidate c : r.spans()) {
                sum += c.probability();
            }
            assertThat(sum, lessThanOrEqualTo(1.0 + 1e-9));
            assertTrue(r.noAnswerProbability() >= 0 && r.noAnswerProbability() <= 1);
            // brute force: the top 5 are the 5 best of all pairs s <= e < s + max
            double[] ps = SpanDecoder.softmax(start, w);
            double[] pe = SpanDecoder.softmax(end, w);
            List<Double> all = new ArrayList<>();
            for (int s = 4; s < 4 + n; s++) {
                for (int e = s; e < Math.min(4 + n, s + max); e++) {
                    all.add(ps[s] * pe[e]);
                }
            }
            all.sort(Comparator.reverseOrder());
            List<Candidate> top = SpanDecoder.window(start, end, w, max, 5).spans();
            assertEquals(Math.min(5, all.size()), top.size());
            for (int i = 0; i < top.size(); i++) {
                assertEquals(all.get(i), top.get(i).probability(), 1e-15);
            }
        }
    }

    public void testMergeKeepsBestWindowPerSpanAndSmallestNoAnswer() {
        String passage = passage(12);
        // window A covers words 0..7, window B words 4..11: word 5 is in both
        Window a = window(8, 0);
        Window b = window(8, 4);
        float[] startA = new float[a.length()];
        float[] endA = new float[a.length()];
        startA[4 + 5] = 4f;
        endA[4 + 5] = 4f; // word 5 in A
        startA[0] = 3f;
        endA[0] = 3f;
        float[] startB = new float[b.length()];
        float[] endB = new float[b.length()];
        startB[4 + 1] = 8f;
        endB[4 + 1] = 8f; // word 5 in B, more confident
        startB[4 + 7] = 6f;
        endB[4 + 7] = 6f; // word 11
        startB[0] = 1f;
        endB[0] = 1f;
        WindowReading ra = SpanDecoder.window(startA, endA, a, 3, 5);
        WindowReading rb = SpanDecoder.window(startB, endB, b, 3, 5);
        assertEquals(20, ra.spans().get(0).start());
        assertEquals(20, rb.spans().get(0).start());
        PassageReading merged = SpanDecoder.merge(passage, List.of(ra, rb), 5);
        assertEquals("w05", merged.spans().get(0).text());
        assertEquals(rb.spans().get(0).probability(), merged.spans().get(0).probability(), 0);
        assertEquals(8.0, merged.spans().get(0).startLogit(), 0);
        assertEquals("w11", merged.spans().get(1).text());
        assertEquals(Math.min(ra.noAnswerProbability(), rb.noAnswerProbability()), merged.noAnswerProbability(), 0);
        // each span once
        assertEquals(merged.spans().size(), merged.spans().stream().map(s -> s.start() + ":" + s.end()).distinct().count());
        assertEquals(5, merged.spans().size());
        for (Reader.Span s : merged.spans()) {
            assertEquals(passage.substring(s.start(), s.end()), s.text());
        }
        assertEquals(2, SpanDecoder.merge(passage, List.of(ra, rb), 2).spans().size());
    }

    /**
     * A window {@code [CLS] q [SEP] passage [SEP]} whose passage tokens are the passage's code points except white
     * space, combining marks and joiners, each a token (as a BERT tokenizer strips accents and splits what it does not
     * know): tokens end before the marks of their letter and split clusters.
     */
    private static Window strippingWindow(String passage) {
        List<int[]> tokens = new ArrayList<>();
        for (int i = 0; i < passage.length(); i += Character.charCount(passage.codePointAt(i))) {
            int c = passage.codePointAt(i);
            int type = Character.getType(c);
            if (Character.isWhitespace(c) == false
                && type != Character.NON_SPACING_MARK
                && type != Character.ENCLOSING_MARK
                && type != Character.FORMAT) {
                tokens.add(new int[] { i, i + Character.charCount(c) });
            }
        }
        int n = tokens.size() + 4;
        int[] starts = new int[n];
        int[] ends = new int[n];
        Arrays.fill(starts, -1);
        Arrays.fill(ends, -1);
        long[] types = new long[n];
        for (int i = 0; i < tokens.size(); i++) {
            starts[i + 3] = tokens.get(i)[0];
            ends[i + 3] = tokens.get(i)[1];
            types[i + 3] = 1;
        }
        return new Window(new long[n], types, starts, ends);
    }

    public void testSpanEndsTakeTheCombiningMarksOfTheirLastLetter() {
        String passage = "The prize was Zoe\u0308. She beat everyone.";
        Window w = strippingWindow(passage);
        float[] start = new float[w.length()];
        float[] end = new float[w.length()];
        int z = passage.indexOf('Z');
        for (int t = 0; t < w.length(); t++) {
            if (w.starts()[t] == z) {
                start[t] = 20f;
            }
            if (w.starts()[t] == z + 2) { // the "e" whose diaeresis the tokenizer dropped
                end[t] = 20f;
            }
        }
        Reader.Span best = SpanDecoder.merge(passage, List.of(SpanDecoder.window(start, end, w, 30, 3)), 3).spans().get(0);
        assertEquals("Zoe\u0308", best.text());
        assertEquals(z, best.start());
        assertEquals(z + 4, best.end());
    }

    public void testSpansNeverSplitAGraphemeCluster() {
        String passage = String.join(" ", randomSubsetOf(between(3, 11), GraphemeClustersTests.NFD_WORDS));
        Window w = strippingWindow(passage);
        float[] start = new float[w.length()];
        float[] end = new float[w.length()];
        for (int t = 0; t < w.length(); t++) {
            start[t] = (float) (randomDouble() * 10);
            end[t] = (float) (randomDouble() * 10);
        }
        PassageReading reading = SpanDecoder.merge(passage, List.of(SpanDecoder.window(start, end, w, 8, 50)), 50);
        assertFalse(reading.spans().isEmpty());
        for (Reader.Span s : reading.spans()) {
            assertTrue("start inside a cluster: " + s, GraphemeClustersTests.isBoundary(passage, s.start()));
            assertTrue("end inside a cluster: " + s, GraphemeClustersTests.isBoundary(passage, s.end()));
            assertEquals(passage.substring(s.start(), s.end()), s.text());
        }
        assertEquals("each span once", reading.spans().size(), reading.spans().stream().map(s -> s.start() + ":" + s.end()).distinct().count());
    }

    public void testNoWindow() {
        PassageReading r = SpanDecoder.merge("", List.of(), 3);
        assertEquals(List.of(), r.spans());
        assertEquals(1.0, r.noAnswerProbability(), 0);
    }

    public void testNonFiniteLogits() {
        Window w = window(2, 0);
        float[] ok = new float[w.length()];
        float[] bad = new float[w.length()];
        bad[4] = Float.NaN;
        expectThrows(IllegalArgumentException.class, () -> SpanDecoder.window(bad, ok, w, 3, 1));
        expectThrows(IllegalArgumentException.class, () -> SpanDecoder.window(ok, new float[2], w, 3, 1));
        // a non-finite logit outside the softmax (question token) does not matter
        float[] question = new float[w.length()];
        question[1] = Float.NEGATIVE_INFINITY;
        assertEquals(3, SpanDecoder.window(question, ok, w, 3, 5).spans().size());
    }
}
