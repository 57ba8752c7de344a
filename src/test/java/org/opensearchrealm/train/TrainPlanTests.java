/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.QaTokenizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The training order depends only on the seed, covers every window once per epoch, and batches windows of similar length. */
public class TrainPlanTests extends OpenSearchTestCase {

    public void testPlanIsSeededCoversEveryGroupAndKeepsStepsWithinTheBatch() {
        List<TrainPlan.Group> groups = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            List<TrainPlan.Feature> windows = new ArrayList<>();
            for (int w = 0; w < 1 + i % 3; w++) {
                int len = 10 + (i * 37 + w) % 300;
                windows.add(new TrainPlan.Feature(new QaTokenizer.Window(new long[len], new long[len], new int[len], new int[len]), List.of(), 0f));
            }
            groups.add(new TrainPlan.Group(windows));
        }
        List<List<Integer>> a = TrainPlan.plan(groups, 16, 2, 42);
        List<List<Integer>> b = TrainPlan.plan(groups, 16, 2, 42);
        List<List<Integer>> c = TrainPlan.plan(groups, 16, 2, 43);
        assertEquals(a, b);
        assertNotEquals(a, c);
        int perEpoch = a.size() / 2;
        Set<Integer> seen = new HashSet<>();
        for (int s = 0; s < perEpoch; s++) {
            int windows = a.get(s).stream().mapToInt(g -> groups.get(g).windows().size()).sum();
            assertTrue("step " + s + " has " + windows + " windows", windows <= 16);
            for (int g : a.get(s)) {
                assertTrue("group " + g + " twice in an epoch", seen.add(g));
            }
        }
        assertEquals(1000, seen.size());
        assertNotEquals(a.subList(0, perEpoch), a.subList(perEpoch, a.size())); // epochs are shuffled differently
    }

    /** Passage "Mount Etna is in Sicily" cut into tokens at these offsets; the window holds tokens 2.. of the passage. */
    private static QaTokenizer.Window window(int[] starts, int[] ends) {
        return new QaTokenizer.Window(new long[starts.length], new long[starts.length], starts, ends);
    }

    public void testAnswerTokens() {
        // [CLS] q [SEP] mount etna is in sic ##ily [SEP]: passage offsets 0-5 6-10 11-13 14-16 17-20 20-23
        QaTokenizer.Window whole = window(new int[] { -1, -1, -1, 0, 6, 11, 14, 17, 20, -1 }, new int[] { -1, -1, -1, 5, 10, 13, 16, 20, 23, -1 });
        assertArrayEquals(new int[] { 7, 8 }, TrainPlan.answerTokens(whole, 17, 23)); // "Sicily": both pieces
        assertArrayEquals(new int[] { 3, 4 }, TrainPlan.answerTokens(whole, 0, 10)); // "Mount Etna"
        assertArrayEquals(new int[] { 7, 7 }, TrainPlan.answerTokens(whole, 18, 19)); // inside one piece
        assertNull(TrainPlan.answerTokens(whole, 30, 35)); // past the passage
        // a later window that starts at "in": an answer beginning before it, or running past its end, is not in it
        QaTokenizer.Window later = window(new int[] { -1, -1, 14, 17, 20, -1 }, new int[] { -1, -1, 16, 20, 23, -1 });
        assertArrayEquals(new int[] { 3, 4 }, TrainPlan.answerTokens(later, 17, 23));
        assertNull(TrainPlan.answerTokens(later, 6, 16)); // "Etna is in"
        QaTokenizer.Window earlier = window(new int[] { -1, -1, 0, 6, -1 }, new int[] { -1, -1, 5, 10, -1 });
        assertNull(TrainPlan.answerTokens(earlier, 6, 13)); // "Etna is": ends after the window
        assertArrayEquals(new int[] { 2, 3 }, TrainPlan.answerTokens(earlier, 0, 10));
    }
}
