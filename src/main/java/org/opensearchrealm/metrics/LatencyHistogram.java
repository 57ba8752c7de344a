/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram with logarithmic buckets: bucket {@code i} holds latencies up to
 * {@code 0.1 ms * 2^(i/4)}, so a percentile read from it is at most ~19% above the true value, from 0.1 ms to about
 * an hour in {@value #BUCKETS} counters. Enough to tell a p99 of 40 ms from one of 400 ms, at the cost of one
 * {@code Math.log} per recording.
 */
public final class LatencyHistogram {

    static final int BUCKETS = 128;
    private static final double SMALLEST_MILLIS = 0.1;
    private static final double BUCKETS_PER_DOUBLING = 4;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder count = new LongAdder();
    private final LongAdder sumMicros = new LongAdder();

    public void record(double millis) {
        double m = Math.max(0, millis);
        counts.incrementAndGet(bucket(m));
        count.increment();
        sumMicros.add(Math.round(m * 1000));
    }

    static int bucket(double millis) {
        if (millis <= SMALLEST_MILLIS) {
            return 0;
        }
        int b = (int) Math.ceil(BUCKETS_PER_DOUBLING * Math.log(millis / SMALLEST_MILLIS) / Math.log(2) - 1e-9);
        return Math.min(BUCKETS - 1, b);
    }

    static double upperBoundMillis(int bucket) {
        return SMALLEST_MILLIS * Math.pow(2, bucket / BUCKETS_PER_DOUBLING);
    }

    /** Count, sum and the 50th and 99th percentiles (upper bounds of their buckets) of what was recorded so far. */
    public LatencySummary summary() {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        return new LatencySummary(total, sumMicros.sum() / 1000.0, percentile(snapshot, total, 0.50), percentile(snapshot, total, 0.99));
    }

    private static double percentile(long[] counts, long total, double q) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperBoundMillis(i);
            }
        }
        return upperBoundMillis(counts.length - 1);
    }
}
