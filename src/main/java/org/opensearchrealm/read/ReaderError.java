/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchException;
import org.opensearch.core.common.io.stream.NotSerializableExceptionWrapper;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why the passages of a {@code _realm} request could not be read: the last failure's type (as in OpenSearch error
 * bodies), reason and HTTP status, and the names of the nodes that were tried, in order (empty when no node could be
 * chosen). {@code _realm} still returns its passages, with this as {@code reader_error} instead of answers.
 */
public record ReaderError(String type, String reason, int status, List<String> nodes) implements Writeable, ToXContentObject {

    private static final Pattern WRAPPED = Pattern.compile("([a-z0-9_]+): (.*)", Pattern.DOTALL);

    public ReaderError {
        nodes = List.copyOf(nodes);
    }

    public ReaderError(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readVInt(), in.readStringList());
    }

    /** From a failure, unwrapped from the transport exceptions around it. */
    public static ReaderError of(Throwable failure, List<String> nodes) {
        Throwable cause = ExceptionsHelper.unwrapCause(failure);
        String type = OpenSearchException.getExceptionName(cause);
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof NotSerializableExceptionWrapper) {
            // an exception class that cannot travel between nodes arrives as "<its type>: <its message>"
            Matcher m = WRAPPED.matcher(reason);
            if (m.matches()) {
                type = m.group(1);
                reason = m.group(2);
            }
        }
        return new ReaderError(type, reason, ExceptionsHelper.status(cause).getStatus(), nodes);
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
