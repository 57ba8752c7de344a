/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearchrealm.model.Reader.PassageReading;

import java.io.IOException;
import java.util.List;

/** One reading per passage, in the order of the request, and the name of the node that read them. */
public final class ReadResponse extends ActionResponse {

    private final String nodeName;
    private final List<PassageReading> readings;

    public ReadResponse(String nodeName, List<PassageReading> readings) {
        this.nodeName = nodeName;
        this.readings = List.copyOf(readings);
    }

    public ReadResponse(StreamInput in) throws IOException {
        super(in);
        nodeName = in.readString();
        readings = in.readList(PassageReading::new);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(nodeName);
        out.writeList(readings);
    }

    public String nodeName() {
        return nodeName;
    }

    public List<PassageReading> readings() {
        return readings;
    }
}
