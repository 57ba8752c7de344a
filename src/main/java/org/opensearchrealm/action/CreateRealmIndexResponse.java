/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/** A created REALM index: its name, pipeline, model, vector dimension and reader (empty: none). */
public final class CreateRealmIndexResponse extends ActionResponse implements ToXContentObject {

    private final String index;
    private final String pipeline;
    private final String model;
    private final int dimension;
    private final String reader;
    private final String searchPipeline;

    public CreateRealmIndexResponse(String index, String pipeline, String model, int dimension, String reader) {
        this(index, pipeline, model, dimension, reader, "");
    }

    /** @param searchPipeline the index's default search pipeline; empty for none */
    public CreateRealmIndexResponse(String index, String pipeline, String model, int dimension, String reader, String searchPipeline) {
        this.searchPipeline = searchPipeline;
        this.index = index;
        this.pipeline = pipeline;
        this.model = model;
        this.dimension = dimension;
        this.reader = reader;
    }

    public CreateRealmIndexResponse(StreamInput in) throws IOException {
        super(in);
        index = in.readString();
        pipeline = in.readString();
        model = in.readString();
        dimension = in.readVInt();
        reader = in.readString();
        searchPipeline = in.readString();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeString(pipeline);
        out.writeString(model);
        out.writeVInt(dimension);
        out.writeString(reader);
        out.writeString(searchPipeline);
    }

    public String index() {
        return index;
    }

    public String reader() {
        return reader;
    }

    public String searchPipeline() {
        return searchPipeline;
    }

    /** {@code reader} and {@code search_pipeline} only when the index has one. */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject()
            .field("acknowledged", true)
            .field("index", index)
            .field("pipeline", pipeline)
            .field("model", model)
            .field("dimension", dimension);
        if (reader.isEmpty() == false) {
            builder.field("reader", reader);
        }
        if (searchPipeline.isEmpty() == false) {
            builder.field("search_pipeline", searchPipeline);
        }
        return builder.endObject();
    }
}
