/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.retrieve;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * A passage found for a query: where it lives ({@code _index}, {@code _id}, passage number, character offsets in the
 * source field), its text, and its retrieval score, the inner product of query and passage vectors.
 */
public record RetrievedPassage(String index, String id, int number, String text, int start, int end, float score)
    implements
        Writeable,
        ToXContentObject {

    public RetrievedPassage(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readVInt(), in.readString(), in.readVInt(), in.readVInt(), in.readFloat());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeString(id);
        out.writeVInt(number);
        out.writeString(text);
        out.writeVInt(start);
        out.writeVInt(end);
        out.writeFloat(score);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
            .field("_index", index)
            .field("_id", id)
            .field("passage", number)
            .field("score", score)
            .field("start", start)
            .field("end", end)
            .field("text", text)
            .endObject();
    }
}
