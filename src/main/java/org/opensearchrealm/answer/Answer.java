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
import java.util.List;

/**
 * An answer: its text (as written in its most probable span), its marginal probability (the sum over the passages
 * and spans it was read in of p(passage | question) * p(span | passage, question)), and every span it was read in,
 * most probable first.
 */
public record Answer(String text, double probability, List<AnswerPassage> passages) implements Writeable, ToXContentObject {

    public Answer {
        passages = List.copyOf(passages);
    }

    public Answer(StreamInput in) throws IOException {
        this(in.readString(), in.readDouble(), in.readList(AnswerPassage::new));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(text);
        out.writeDouble(probability);
        out.writeList(passages);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field("text", text).field("probability", probability).startArray("passages");
        for (AnswerPassage p : passages) {
            p.toXContent(builder, params);
        }
        return builder.endArray().endObject();
    }
}
