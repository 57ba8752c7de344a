/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.metrics;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentFragment;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's counters since it started: {@code _realm} requests it coordinated (with the latency of each stage),
 * documents and passages its ingest processor embedded, reads ({@code internal:realm/read}) it served, and its own
 * warm-up searches (which the request counters leave out). Fed by the search action, the ingest processor, the read
 * action and the search warm-up; reported by {@code GET _plugins/_realm/stats}.
 */
public final class RealmMetrics {

    /** The stages of a {@code _realm} request whose latency is recorded. */
    public enum Stage {
        EMBED,
        RETRIEVE,
        READ,
        TOTAL;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final LongAdder searches = new LongAdder();
    private final LongAdder searchErrors = new LongAdder();
    private final LongAdder ingestDocs = new LongAdder();
    private final LongAdder ingestPassages = new LongAdder();
    private final LongAdder ingestErrors = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder readErrors = new LongAdder();
    private final LongAdder warmUpSearches = new LongAdder();
    private final LongAdder warmUpFailures = new LongAdder();
    private final AtomicInteger indicesWarming = new AtomicInteger();
    private final Map<Stage, LatencyHistogram> latencies = new EnumMap<>(Stage.class);

    public RealmMetrics() {
        for (Stage stage : Stage.values()) {
            latencies.put(stage, new LatencyHistogram());
        }
    }

    /** A {@code _realm} request answered; {@code readMillis} is negative when the passages were not read. */
    public void searchServed(double embedMillis, double retrieveMillis, double readMillis, double totalMillis) {
        searches.increment();
        latencies.get(Stage.EMBED).record(embedMillis);
        latencies.get(Stage.RETRIEVE).record(retrieveMillis);
        if (readMillis >= 0) {
            latencies.get(Stage.READ).record(readMillis);
        }
        latencies.get(Stage.TOTAL).record(totalMillis);
    }

    /** A {@code _realm} request failed (any status, 429 included). */
    public void searchFailed() {
        searchErrors.increment();
    }

    /** The ingest processor handled a batch: documents embedded and stored, their passages, documents rejected. */
    public void ingested(long documents, long passages, long failedDocuments) {
        ingestDocs.add(documents);
        ingestPassages.add(passages);
        ingestErrors.add(failedDocuments);
    }

    /** This node served a read of passages (or failed to). */
    public void read(boolean ok) {
        (ok ? reads : readErrors).increment();
    }

    /** The node started warming up the search path on an index ({@code warmUpEnded} follows). */
    public void warmUpStarted() {
        indicesWarming.incrementAndGet();
    }

    /** A warm-up {@code _realm} request of the node's own (not counted as a request) answered or failed. */
    public void warmUpSearch(boolean ok) {
        (ok ? warmUpSearches : warmUpFailures).increment();
    }

    public void warmUpEnded() {
        indicesWarming.decrementAndGet();
    }

    public Snapshot snapshot() {
        Map<Stage, LatencySummary> summaries = new EnumMap<>(Stage.class);
        latencies.forEach((stage, histogram) -> summaries.put(stage, histogram.summary()));
        return new Snapshot(
            searches.sum(),
            searchErrors.sum(),
            ingestDocs.sum(),
            ingestPassages.sum(),
            ingestErrors.sum(),
            reads.sum(),
            readErrors.sum(),
            indicesWarming.get(),
            warmUpSearches.sum(),
            warmUpFailures.sum(),
            summaries
        );
    }

    /** The counters at one moment, as sent between nodes and shown in the stats. */
    public record Snapshot(
        long searches,
        long searchErrors,
        long ingestDocs,
        long ingestPassages,
        long ingestErrors,
        long reads,
        long readErrors,
        int indicesWarming,
        long warmUpSearches,
        long warmUpFailures,
        Map<Stage, LatencySummary> latencies
    ) implements Writeable, ToXContentFragment {

        public Snapshot {
            latencies = Map.copyOf(latencies);
        }

        public Snapshot(StreamInput in) throws IOException {
            this(
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVInt(),
                in.readVLong(),
                in.readVLong(),
                in.readMap(i -> i.readEnum(Stage.class), LatencySummary::new)
            );
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVLong(searches);
            out.writeVLong(searchErrors);
            out.writeVLong(ingestDocs);
            out.writeVLong(ingestPassages);
            out.writeVLong(ingestErrors);
            out.writeVLong(reads);
            out.writeVLong(readErrors);
            out.writeVInt(indicesWarming);
            out.writeVLong(warmUpSearches);
            out.writeVLong(warmUpFailures);
            out.writeMap(latencies, StreamOutput::writeEnum, (o, s) -> s.writeTo(o));
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject("requests")
                .field("search", searches)
                .field("ingest_docs", ingestDocs)
                .field("ingest_passages", ingestPassages)
                .field("reads", reads)
                .endObject();
            builder.startObject("errors").field("search", searchErrors).field("ingest_docs", ingestErrors).field("reads", readErrors).endObject();
            builder.startObject("search_warm_up")
                .field("indices_warming", indicesWarming)
                .field("searches", warmUpSearches)
                .field("failures", warmUpFailures)
                .endObject();
            builder.startObject("latency");
            for (Stage stage : Stage.values()) {
                builder.field(stage.jsonName(), latencies.get(stage));
            }
            return builder.endObject();
        }
    }
}
