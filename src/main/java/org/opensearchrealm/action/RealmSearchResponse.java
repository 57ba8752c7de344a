/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearchrealm.answer.Answers;
import org.opensearchrealm.read.ReaderError;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.io.IOException;
import java.util.List;

/**
 * What {@code _realm} answers: the top passages across documents, with the time taken in total and per stage
 * (milliseconds), and, when the passages were read, the answers or why reading failed.
 *
 * <pre>{@code
 * {"took": 41, "timing": {"encode": 6.1, "search": 7.4, "read": 26.0},
 *  "passages": [...],
 *  "answers": [{"text": .., "probability": .., "passages": [{"_index", "_id", "passage", "start", "end"}]}],
 *  "no_answer_probability": 0.08, "no_answer": false,
 *  "reading": [...], "reader": {"model": .., "node": .., "attempts": 1, ...}     // with "explain": true
 * }
 * }</pre>
 * Without reading (no reader, or {@code "read": false}) the response has no {@code answers} key and no
 * {@code timing.read}. When reading failed on every node tried, {@code reader_error} takes the place of the answers.
 */
public final class RealmSearchResponse extends ActionResponse implements ToXContentObject {

    /**
     * How the passages were read: the reader model, the time taken, and either the answers and the node that read,
     * or the error. {@code explain} asks for the per-passage readings and the reader's node in the output.
     */
    public record Reading(
        String reader,
        double readMillis,
        Answers answers,
        String node,
        int attempts,
        ReaderError error,
        boolean explain,
        double noAnswerThreshold,
        int passagesRead
    )
        implements
            Writeable {

        public Reading {
            if ((answers == null) == (error == null)) {
                throw new IllegalArgumentException("a reading has either answers or an error");
            }
        }

        public static Reading answered(
            String reader,
            double readMillis,
            Answers answers,
            String node,
            int attempts,
            boolean explain,
            double noAnswerThreshold,
            int passagesRead
        ) {
            return new Reading(reader, readMillis, answers, node, attempts, null, explain, noAnswerThreshold, passagesRead);
        }

        public static Reading failed(
            String reader,
            double readMillis,
            ReaderError error,
            int attempts,
            boolean explain,
            double noAnswerThreshold,
            int passagesRead
        ) {
            return new Reading(reader, readMillis, null, null, attempts, error, explain, noAnswerThreshold, passagesRead);
        }

        public Reading(StreamInput in) throws IOException {
            this(
                in.readString(),
                in.readDouble(),
                in.readOptionalWriteable(Answers::new),
                in.readOptionalString(),
                in.readVInt(),
                in.readOptionalWriteable(ReaderError::new),
                in.readBoolean(),
                in.readDouble(),
                in.readVInt()
            );
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(reader);
            out.writeDouble(readMillis);
            out.writeOptionalWriteable(answers);
            out.writeOptionalString(node);
            out.writeVInt(attempts);
            out.writeOptionalWriteable(error);
            out.writeBoolean(explain);
            out.writeDouble(noAnswerThreshold);
            out.writeVInt(passagesRead);
        }

        /**
         * The answers as fields of the object being written ({@code answers}, {@code no_answer_probability},
         * {@code no_answer}), or {@code reader_error}; with {@code explain}, the reader's details too.
         */
        public void answerFields(XContentBuilder builder, Params params) throws IOException {
            if (answers() != null) {
                answers().toXContent(builder, params);
            } else {
                builder.field("reader_error");
                error().toXContent(builder, params);
            }
            if (explain()) {
                builder.startObject("reader").field("model", reader());
                if (node() != null) {
                    builder.field("node", node());
                }
                builder.field("attempts", attempts())
                    .field("no_answer_threshold", noAnswerThreshold())
                    .field("passages_read", passagesRead())
                    .endObject();
            }
        }
    }

    private final long tookMillis;
    private final double encodeMillis;
    private final double searchMillis;
    private final List<RetrievedPassage> passages;
    private final Reading reading;

    public RealmSearchResponse(long tookMillis, double encodeMillis, double searchMillis, List<RetrievedPassage> passages) {
        this(tookMillis, encodeMillis, searchMillis, passages, null);
    }

    /** @param reading null when the passages were not read */
    public RealmSearchResponse(long tookMillis, double encodeMillis, double searchMillis, List<RetrievedPassage> passages, Reading reading) {
        this.tookMillis = tookMillis;
        this.encodeMillis = encodeMillis;
        this.searchMillis = searchMillis;
        this.passages = List.copyOf(passages);
        this.reading = reading;
    }

    public RealmSearchResponse(StreamInput in) throws IOException {
        super(in);
        tookMillis = in.readVLong();
        encodeMillis = in.readDouble();
        searchMillis = in.readDouble();
        passages = in.readList(RetrievedPassage::new);
        reading = in.readOptionalWriteable(Reading::new);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(tookMillis);
        out.writeDouble(encodeMillis);
        out.writeDouble(searchMillis);
        out.writeList(passages);
        out.writeOptionalWriteable(reading);
    }

    public List<RetrievedPassage> passages() {
        return passages;
    }

    public long tookMillis() {
        return tookMillis;
    }

    /** Milliseconds spent encoding the question (inference queue wait included). */
    public double encodeMillis() {
        return encodeMillis;
    }

    /** Milliseconds spent in the k-NN search. */
    public double searchMillis() {
        return searchMillis;
    }

    /** How the passages were read; null when they were not. */
    public Reading reading() {
        return reading;
    }

    /** The answers; null when the passages were not read or reading failed. */
    public Answers answers() {
        return reading == null ? null : reading.answers();
    }

    /** Why reading failed; null when it did not fail (or did not happen). */
    public ReaderError readerError() {
        return reading == null ? null : reading.error();
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field("took", tookMillis);
        builder.startObject("timing").field("encode", round(encodeMillis)).field("search", round(searchMillis));
        if (reading != null) {
            builder.field("read", round(reading.readMillis()));
        }
        builder.endObject();
        builder.startArray("passages");
        for (RetrievedPassage passage : passages) {
            passage.toXContent(builder, params);
        }
        builder.endArray();
        if (reading != null) {
            reading.answerFields(builder, params);
        }
        return builder.endObject();
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }
}
