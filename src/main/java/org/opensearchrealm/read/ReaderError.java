/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * Why the passages of a {@code _realm} request could not be read: the last failure's type (as in OpenSearch error
 * bodies), reason and HTTP status, and the names of the nodes that were tried, in order (empty when no node could be
 * chosen). {@code _realm} still returns its passages, with this as {@code reader_error} instead of answers.
 */
public record ReaderError(String type, String reason, int status, List<String> nodes) implements Writeable, ToXContentObject {

    public ReaderError {
        nodes = List.copyOf(nodes);
    }

    public ReaderError(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readVInt(), in.readStringList());
    }

    /** From a failure, unwrapped from the transport exceptions around it. */
    public static ReaderError of(Throwable failure, List<String> nodes) {
        Throwable cause = ExceptionsHelper.unwrapCause(failure);
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ReaderError(OpenSearchException.getExceptionName(cause), reason, ExceptionsHelper.status(cause).getStatus(), nodes);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(type);
        out.writeString(reason);
        out.writeVInt(status);
        out.writeStringCollection(nodes);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
            .field("type", type)
            .field("reason", reason)
            .field("status", status)
            .field("nodes", nodes)
            .endObject();
    }
}
