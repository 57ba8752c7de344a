/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.answer;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * Where an answer was read: the passage ({@code _index}, {@code _id}, passage number) and the answer's UTF-16 offsets
 * {@code [start, end)} in the document's source field.
 */
public record AnswerPassage(String index, String id, int passage, int start, int end) implements Writeable, ToXContentObject {

    public AnswerPassage(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readVInt(), in.readVInt(), in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeString(id);
        out.writeVInt(passage);
        out.writeVInt(start);
        out.writeVInt(end);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
            .field("_index", index)
            .field("_id", id)
            .field("passage", passage)
            .field("start", start)
            .field("end", end)
            .endObject();
    }
}
