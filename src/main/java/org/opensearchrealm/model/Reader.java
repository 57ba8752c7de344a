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
import java.util.List;

/**
 * An extractive reader: finds answer spans for a question in passages, with a BERT-style model that scores the start
 * and end of a span over the tokens of {@code [CLS] question [SEP] passage [SEP]}. Thread-safe; calls block, so they
 * run on the inference pool.
 */
public interface Reader extends AutoCloseable {

    /** The reader model's id. */
    String modelId();

    /**
     * Reads each passage for the question. Long passages are read in windows of the model's {@code max_tokens},
     * consecutive windows sharing {@code doc_stride} passage tokens. In a window, with p_start and p_end the softmax of
     * the start and end logits over the window's first token ([CLS]) and its passage tokens (question tokens and
     * separators can never be part of an answer, so they are left out, as Hugging Face's QA pipeline does):
     * <ul>
     *   <li>p(span) = p_start(s) * p_end(e) for passage tokens s &le; e &lt; s + maxAnswerTokens;</li>
     *   <li>p(no answer) = p_start([CLS]) * p_end([CLS]); so in a window, p(no answer) + the sum of all spans &le; 1.</li>
     * </ul>
     * A span found in several windows keeps its best probability; a passage's no-answer probability is the smallest of
     * its windows' (one window that holds the answer is enough). A passage without tokens has no span and a no-answer
     * probability of 1.
     *
     * @param question        cut to the model's {@code max_question_tokens} word pieces
     * @param maxAnswerTokens the longest span, in word pieces, at least 1
     * @param topSpans        how many spans to return per passage, best first, at least 1
     * @return one reading per passage, in order
     * @throws org.opensearchrealm.model.ModelException 400 for a null question or passage or a bad parameter, 500 when
     *                                                  the model fails; never an {@link Error}
     */
    List<PassageReading> read(String question, List<String> passages, int maxAnswerTokens, int topSpans);

    /** Frees the network and the tokenizer; never throws. */
    @Override
    void close();

    /** What a reader found in one passage: its best spans, and the probability that the passage holds no answer. */
    record PassageReading(List<Span> spans, double noAnswerProbability) implements Writeable {

        public PassageReading {
            spans = List.copyOf(spans);
        }

        public PassageReading(StreamInput in) throws IOException {
            this(in.readList(Span::new), in.readDouble());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeList(spans);
            out.writeDouble(noAnswerProbability);
        }
    }

    /**
     * A span of a passage: UTF-16 offsets {@code [start, end)} into the passage text, its text and probability, and
     * the start and end logits it was scored with (from its best window).
     */
    record Span(int start, int end, String text, double probability, double startLogit, double endLogit)
        implements
            Writeable,
            ToXContentObject {

        public Span(StreamInput in) throws IOException {
            this(in.readVInt(), in.readVInt(), in.readString(), in.readDouble(), in.readDouble(), in.readDouble());
        }

        /** The same span with its offsets moved by {@code offset} (e.g. into the passage's source field). */
        public Span shift(int offset) {
            return new Span(start + offset, end + offset, text, probability, startLogit, endLogit);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVInt(start);
            out.writeVInt(end);
            out.writeString(text);
            out.writeDouble(probability);
            out.writeDouble(startLogit);
            out.writeDouble(endLogit);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                .field("text", text)
                .field("probability", probability)
                .field("start", start)
                .field("end", end)
                .field("start_logit", startLogit)
                .field("end_logit", endLogit)
                .endObject();
        }
    }
}
