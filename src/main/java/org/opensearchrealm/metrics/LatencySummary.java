/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.metrics;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/** One stage's latencies on one node: how many, their sum, and p50/p99 from a {@link LatencyHistogram}, in ms. */
public record LatencySummary(long count, double sumMillis, double p50Millis, double p99Millis) implements Writeable, ToXContentObject {

    public LatencySummary(StreamInput in) throws IOException {
        this(in.readVLong(), in.readDouble(), in.readDouble(), in.readDouble());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(count);
        out.writeDouble(sumMillis);
        out.writeDouble(p50Millis);
        out.writeDouble(p99Millis);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
            .field("count", count)
            .field("sum_ms", round(sumMillis))
            .field("p50_ms", round(p50Millis))
            .field("p99_ms", round(p99Millis))
            .endObject();
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }
}
