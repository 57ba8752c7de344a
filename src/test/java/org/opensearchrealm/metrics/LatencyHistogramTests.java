/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.metrics;

import org.opensearch.test.OpenSearchTestCase;

public class LatencyHistogramTests extends OpenSearchTestCase {

    public void testEmptyHistogramSummarisesToZeros() {
        assertEquals(new LatencySummary(0, 0, 0, 0), new LatencyHistogram().summary());
    }

    public void testBucketsBoundTheirValues() {
        for (double millis : new double[] { 0.05, 0.1, 0.11, 1, 7.3, 40, 999, 12345 }) {
            int bucket = LatencyHistogram.bucket(millis);
            assertTrue(millis + " above its bucket's bound", millis <= LatencyHistogram.upperBoundMillis(bucket) * (1 + 1e-9));
            if (bucket > 0) {
                assertTrue(millis + " fits a smaller bucket", millis > LatencyHistogram.upperBoundMillis(bucket - 1));
            }
        }
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucket(Double.MAX_VALUE));
    }

    public void testPercentilesAreWithinABucketOfTheTruth() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 1; i <= 100; i++) {
            histogram.record(i); // 1..100 ms: p50 = 50, p99 = 99
        }
        LatencySummary summary = histogram.summary();
        assertEquals(100, summary.count());
        assertEquals(5050, summary.sumMillis(), 1e-6);
        assertTrue(summary.toString(), summary.p50Millis() >= 50 && summary.p50Millis() <= 50 * 1.19);
        assertTrue(summary.toString(), summary.p99Millis() >= 99 && summary.p99Millis() <= 99 * 1.19);
    }

    public void testOneSlowRequestMovesOnlyTheTail() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 98; i++) {
            histogram.record(10);
        }
        histogram.record(2000);
        histogram.record(2000);
        LatencySummary summary = histogram.summary();
        assertTrue(summary.toString(), summary.p50Millis() < 12);
        assertTrue(summary.toString(), summary.p99Millis() >= 2000);
    }
}
