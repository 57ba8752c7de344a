/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.io.IOException;
import java.util.List;

/**
 * What {@code _realm} answers: the top passages across documents, with the time taken in total and per stage
 * (milliseconds). Answers read from the passages are added beside {@code passages}.
 */
public final class RealmSearchResponse extends ActionResponse implements ToXContentObject {

    private final long tookMillis;
    private final double encodeMillis;
    private final double searchMillis;
    private final List<RetrievedPassage> passages;

    public RealmSearchResponse(long tookMillis, double encodeMillis, double searchMillis, List<RetrievedPassage> passages) {
        this.tookMillis = tookMillis;
        this.encodeMillis = encodeMillis;
        this.searchMillis = searchMillis;
        this.passages = List.copyOf(passages);
    }

    public RealmSearchResponse(StreamInput in) throws IOException {
        super(in);
        tookMillis = in.readVLong();
        encodeMillis = in.readDouble();
        searchMillis = in.readDouble();
        passages = in.readList(RetrievedPassage::new);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(tookMillis);
        out.writeDouble(encodeMillis);
        out.writeDouble(searchMillis);
        out.writeList(passages);
    }

    public List<RetrievedPassage> passages() {
        return passages;
    }

    public long tookMillis() {
        return tookMillis;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field("took", tookMillis);
        builder.startObject("timing").field("encode", round(encodeMillis)).field("search", round(searchMillis)).endObject();
        builder.startArray("passages");
        for (RetrievedPassage passage : passages) {
            passage.toXContent(builder, params);
        }
        builder.endArray();
        return builder.endObject();
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }
}
