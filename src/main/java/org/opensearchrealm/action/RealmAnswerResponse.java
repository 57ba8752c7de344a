/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearchrealm.action.RealmSearchResponse.Reading;

import java.io.IOException;

/** How the passages of a {@link RealmAnswerRequest} were read; no reading when their indices have no reader. */
public final class RealmAnswerResponse extends ActionResponse {

    private final Reading reading;

    /** @param reading null when the indices have no reader */
    public RealmAnswerResponse(Reading reading) {
        this.reading = reading;
    }

    public RealmAnswerResponse(StreamInput in) throws IOException {
        super(in);
        reading = in.readOptionalWriteable(Reading::new);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeOptionalWriteable(reading);
    }

    /** The answers or the reader's error; null when the indices have no reader. */
    public Reading reading() {
        return reading;
    }
}
