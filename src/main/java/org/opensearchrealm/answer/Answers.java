/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.answer;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentFragment;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * What {@link AnswerScorer} makes of the readings of the retrieved passages: the best answers, the probability that
 * the passages hold no answer (sum over passages of p(passage | question) * p(no answer | passage, question)),
 * whether the result is "no answer" (then {@code answers} is empty), and, when asked for, how each passage was read.
 *
 * <p>Rendered as a fragment, to be placed in a response object:
 * <pre>{@code
 * "answers": [{"text": ..., "probability": ..., "passages": [{"_index", "_id", "passage", "start", "end"}, ...]}, ...],
 * "no_answer_probability": 0.12,
 * "no_answer": false,
 * "reading": [ ...PassageExplanation..., ]       // only with explanations
 * }</pre>
 */
public record Answers(List<Answer> answers, double noAnswerProbability, boolean noAnswer, List<PassageExplanation> explanations)
    implements
        Writeable,
        ToXContentFragment {

    public Answers {
        answers = List.copyOf(answers);
        explanations = List.copyOf(explanations);
    }

    public Answers(StreamInput in) throws IOException {
        this(in.readList(Answer::new), in.readDouble(), in.readBoolean(), in.readList(PassageExplanation::new));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeList(answers);
        out.writeDouble(noAnswerProbability);
        out.writeBoolean(noAnswer);
        out.writeList(explanations);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startArray("answers");
        for (Answer answer : answers) {
            answer.toXContent(builder, params);
        }
        builder.endArray();
        builder.field("no_answer_probability", noAnswerProbability);
        builder.field("no_answer", noAnswer);
        if (explanations.isEmpty() == false) {
            builder.startArray("reading");
            for (PassageExplanation e : explanations) {
                e.toXContent(builder, params);
            }
            builder.endArray();
        }
        return builder;
    }
}
