/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * A model loaded on a node, with its memory: {@code memoryBytes} is the estimate charged to the memory budget (twice
 * the size of its files, see {@code ModelRegistry.MEMORY_PER_FILE_BYTE}); {@code rssDeltaBytes}
 * is how much the process's resident memory grew while it loaded (-1 where it cannot be read), which also counts the
 * engine's own start-up for the first model of an engine and whatever else the node did meanwhile; {@code loadMillis}
 * and {@code warmUpMillis} are the time its load and its warm-up batches took.
 */
public record LoadedModel(String id, String task, String format, long memoryBytes, long rssDeltaBytes, long loadMillis, long warmUpMillis)
    implements
        Writeable,
        ToXContentObject {

    public LoadedModel(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readString(), in.readVLong(), in.readLong(), in.readVLong(), in.readVLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(id);
        out.writeString(task);
        out.writeString(format);
        out.writeVLong(memoryBytes);
        out.writeLong(rssDeltaBytes);
        out.writeVLong(loadMillis);
        out.writeVLong(warmUpMillis);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
            .field("id", id)
            .field("task", task)
            .field("format", format)
            .field("memory_bytes", memoryBytes)
            .field("rss_delta_bytes", rssDeltaBytes)
            .field("load_ms", loadMillis)
            .field("warm_up_ms", warmUpMillis)
            .endObject();
    }
}
