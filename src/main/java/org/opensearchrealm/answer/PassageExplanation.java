/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.answer;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearchrealm.model.Reader.Span;

import java.io.IOException;
import java.util.List;

/**
 * How one retrieved passage was read, for {@code "explain": true}: its retrieval score, p(passage | question), its
 * no-answer probability and its best spans with their probabilities and logits; span offsets are in the document's
 * source field, like the answers'.
 */
public record PassageExplanation(
    String index,
    String id,
    int passage,
    float score,
    double passageProbability,
    double noAnswerProbability,
    List<Span> spans
) implements Writeable, ToXContentObject {

    public PassageExplanation {
        spans = List.copyOf(spans);
    }

    public PassageExplanation(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readVInt(), in.readFloat(), in.readDouble(), in.readDouble(), in.readList(Span::new));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeString(id);
        out.writeVInt(passage);
        out.writeFloat(score);
        out.writeDouble(passageProbability);
        out.writeDouble(noAnswerProbability);
        out.writeList(spans);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject()
            .field("_index", index)
            .field("_id", id)
            .field("passage", passage)
            .field("score", score)
            .field("passage_probability", passageProbability)
            .field("no_answer_probability", noAnswerProbability)
            .startArray("spans");
        for (Span span : spans) {
            span.toXContent(builder, params);
        }
        return builder.endArray().endObject();
    }
}
