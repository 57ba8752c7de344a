/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;

/** Window layout, stride, token/piece mapping, answer targets and the best-span search. */
public class SpanWindowsTests extends OpenSearchTestCase {

    private static TrainTokenizer.Pieces pieces(int n, int firstId) {
        long[] ids = new long[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = firstId + i;
            starts[i] = 2 * i; // one-letter words separated by spaces
            ends[i] = 2 * i + 1;
        }
        return new TrainTokenizer.Pieces(ids, starts, ends);
    }

    public void testShortPassageIsOneWindow() {
        SpanWindows sw = new SpanWindows(32, 8, 10);
        List<SpanWindows.Window> ws = sw.windows(101, 102, pieces(4, 1000), pieces(12, 2000));
        assertEquals(1, ws.size());
        SpanWindows.Window w = ws.get(0);
        assertEquals(4 + 12 + 3, w.length());
        assertEquals(101, w.ids()[0]);
        assertEquals(102, w.ids()[5]);
        assertEquals(102, w.ids()[w.length() - 1]);
        assertEquals(6, w.passageStart());
        assertEquals(2000, w.ids()[6]);
        assertEquals(0, w.typeIds()[5]);
        assertEquals(1, w.typeIds()[6]);
        assertEquals(1, w.typeIds()[w.length() - 1]);
        assertEquals(6, w.tokenOf(0));
        assertEquals(11, w.pieceOf(17));
        assertEquals(-1, w.pieceOf(18)); // final [SEP]
        assertEquals(-1, w.pieceOf(5));
    }

    public void testLongPassageIsCutWithStride() {
        SpanWindows sw = new SpanWindows(20, 5, 4);
        // question of 6 pieces is cut to 4: room = 20 - 4 - 3 = 13 passage pieces per window; 15 + 13 < 30 needs a fifth
        List<SpanWindows.Window> ws = sw.windows(101, 102, pieces(6, 1000), pieces(30, 2000));
        assertEquals(List.of(0, 5, 10, 15, 20), ws.stream().map(SpanWindows.Window::pieceFrom).toList());
        for (SpanWindows.Window w : ws) {
            assertTrue(w.length() <= 20);
            assertEquals(6, w.passageStart()); // [CLS] + 4 question pieces + [SEP]
        }
        SpanWindows.Window last = ws.get(ws.size() - 1);
        assertEquals(30, last.pieceFrom() + last.pieceCount());
        assertEquals(-1, ws.get(0).tokenOf(13));
        assertEquals(6 + 8, ws.get(1).tokenOf(13));
    }

    public void testPieceSpanAndBestSpan() {
        TrainTokenizer.Pieces p = pieces(10, 0);
        assertArrayEquals(new int[] { 2, 3 }, SpanWindows.pieceSpan(p, 4, 7)); // chars of pieces 2..3
        assertArrayEquals(new int[] { 2, 2 }, SpanWindows.pieceSpan(p, 4, 5));
        assertNull(SpanWindows.pieceSpan(p, 100, 101));

        SpanWindows sw = new SpanWindows(20, 5, 4);
        SpanWindows.Window w = sw.windows(101, 102, pieces(2, 1000), p).get(0); // passage at tokens 4..13
        int t = w.length();
        float[] start = new float[2 * t];
        float[] end = new float[2 * t];
        int off = t; // second row of a batch
        java.util.Arrays.fill(start, -100f);
        start[off] = 50; // [CLS] is never an answer
        end[off] = 50;
        start[off + 7] = 5;
        end[off + 6] = 9; // end before start: not allowed
        end[off + 9] = 4;
        end[off + t - 1] = 40; // final [SEP]: not allowed
        SpanWindows.Span s = SpanWindows.bestSpan(w, start, end, off, 30);
        assertEquals(7, s.startToken());
        assertEquals(9, s.endToken());
        assertEquals(9f, s.score(), 0f);
        // a length limit of 2 tokens excludes 7..9
        SpanWindows.Span limited = SpanWindows.bestSpan(w, start, end, off, 2);
        assertTrue(limited.endToken() - limited.startToken() < 2);
    }
}
