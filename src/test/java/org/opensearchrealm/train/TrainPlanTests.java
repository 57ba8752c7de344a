/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.test.OpenSearchTestCase;


import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The training order depends only on the seed, covers every window once per epoch, and batches windows of similar length. */
public class TrainPlanTests extends OpenSearchTestCase {

    public void testPlanIsSeededAndCoversEveryWindow() {
        List<TrainReader.Feature> features = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int len = 10 + (i * 37) % 300;
            features.add(new TrainReader.Feature(new SpanWindows.Window(new long[len], new long[len], 5, 0, len - 6), 0, 0));
        }
        List<List<Integer>> a = TrainReader.plan(features, 16, 2, 42);
        List<List<Integer>> b = TrainReader.plan(features, 16, 2, 42);
        List<List<Integer>> c = TrainReader.plan(features, 16, 2, 43);
        assertEquals(a, b);
        assertNotEquals(a, c);
        int perEpoch = a.size() / 2;
        Set<Integer> seen = new HashSet<>();
        for (int s = 0; s < perEpoch; s++) {
            assertEquals(16, a.get(s).size());
            for (int i : a.get(s)) {
                assertTrue("window " + i + " twice in an epoch", seen.add(i));
            }
        }
        assertTrue(seen.size() >= 1000 - 16 * 3); // at most one partial batch dropped per chunk
        assertNotEquals(a.subList(0, perEpoch), a.subList(perEpoch, a.size())); // epochs are shuffled differently
    }
}
