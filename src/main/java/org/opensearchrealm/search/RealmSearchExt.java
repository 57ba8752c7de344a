/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.search.SearchExtBuilder;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.action.RealmSearchResponse.Reading;

import java.io.IOException;
import java.util.Objects;

/**
 * {@code ext.realm}, both ways. In a search request, what the {@code realm_answers} processor is asked:
 * {@code {"question": "...", "k": 5, "num_answers": 3, "explain": false}}, each optional. In the search response, what
 * it answered: the question and {@code _realm}'s answer fields ({@code answers}, {@code no_answer_probability},
 * {@code no_answer}, or {@code reader_error}; {@code reader} with {@code explain}) and {@code timing.read}. One
 * registered extension, so that a response with answers travels between nodes.
 */
public final class RealmSearchExt extends SearchExtBuilder {

    public static final String NAME = "realm";

    private static final ParseField QUESTION = new ParseField("question");
    private static final ParseField K = new ParseField("k");
    private static final ParseField NUM_ANSWERS = new ParseField("num_answers");
    private static final ParseField EXPLAIN = new ParseField("explain");

    private final String question;
    private final Integer k;
    private final Integer numAnswers;
    private final Boolean explain;
    private final Reading reading;

    /** The request's parameters; each may be null. */
    public RealmSearchExt(String question, Integer k, Integer numAnswers, Boolean explain) {
        this(question, k, numAnswers, explain, null);
    }

    private RealmSearchExt(String question, Integer k, Integer numAnswers, Boolean explain, Reading reading) {
        if (question != null && question.isBlank()) {
            throw new IllegalArgumentException("[ext.realm.question] must not be empty");
        }
        if (k != null && k < 1) {
            throw new IllegalArgumentException("[ext.realm.k] must be at least 1, got [" + k + "]");
        }
        if (numAnswers != null && (numAnswers < 1 || numAnswers > RealmSearchRequest.MAX_NUM_ANSWERS)) {
            throw new IllegalArgumentException(
                "[ext.realm.num_answers] must be between 1 and " + RealmSearchRequest.MAX_NUM_ANSWERS + ", got [" + numAnswers + "]"
            );
        }
        this.question = question;
        this.k = k;
        this.numAnswers = numAnswers;
        this.explain = explain;
        this.reading = reading;
    }

    /** The response's extension: the question asked and how its passages were read. */
    static RealmSearchExt answered(String question, Reading reading) {
        return new RealmSearchExt(question, null, null, null, Objects.requireNonNull(reading));
    }

    public RealmSearchExt(StreamInput in) throws IOException {
        question = in.readOptionalString();
        k = in.readOptionalVInt();
        numAnswers = in.readOptionalVInt();
        explain = in.readOptionalBoolean();
        reading = in.readOptionalWriteable(Reading::new);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeOptionalString(question);
        out.writeOptionalVInt(k);
        out.writeOptionalVInt(numAnswers);
        out.writeOptionalBoolean(explain);
        out.writeOptionalWriteable(reading);
    }

    public static RealmSearchExt fromXContent(XContentParser parser) throws IOException {
        String question = null;
        Integer k = null;
        Integer numAnswers = null;
        Boolean explain = null;
        if (parser.currentToken() != XContentParser.Token.START_OBJECT && parser.nextToken() != XContentParser.Token.START_OBJECT) {
            throw new IllegalArgumentException("[ext.realm] must be an object");
        }
        String field = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                field = parser.currentName();
            } else if (token.isValue() && QUESTION.match(field, parser.getDeprecationHandler())) {
                question = parser.text();
            } else if (token.isValue() && K.match(field, parser.getDeprecationHandler())) {
                k = parser.intValue(false);
            } else if (token.isValue() && NUM_ANSWERS.match(field, parser.getDeprecationHandler())) {
                numAnswers = parser.intValue(false);
            } else if (token.isValue() && EXPLAIN.match(field, parser.getDeprecationHandler())) {
                explain = parser.booleanValue();
            } else {
                throw new IllegalArgumentException(
                    "[ext.realm] does not support [" + field + "]; it takes [question], [k], [num_answers] and [explain]"
                );
            }
        }
        return new RealmSearchExt(question, k, numAnswers, explain);
    }

    /** The question to answer; null when the request gives none here. */
    public String question() {
        return question;
    }

    public Integer k() {
        return k;
    }

    public Integer numAnswers() {
        return numAnswers;
    }

    public Boolean explain() {
        return explain;
    }

    /** In a response: how the passages were read; null in a request. */
    public Reading reading() {
        return reading;
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        if (question != null) {
            builder.field(QUESTION.getPreferredName(), question);
        }
        if (k != null) {
            builder.field(K.getPreferredName(), k);
        }
        if (numAnswers != null) {
            builder.field(NUM_ANSWERS.getPreferredName(), numAnswers);
        }
        if (explain != null) {
            builder.field(EXPLAIN.getPreferredName(), explain);
        }
        if (reading != null) {
            builder.startObject("timing").field("read", Math.round(reading.readMillis() * 100) / 100.0).endObject();
            reading.answerFields(builder, params);
        }
        return builder.endObject();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RealmSearchExt other
            && Objects.equals(question, other.question)
            && Objects.equals(k, other.k)
            && Objects.equals(numAnswers, other.numAnswers)
            && Objects.equals(explain, other.explain)
            && Objects.equals(reading, other.reading);
    }

    @Override
    public int hashCode() {
        return Objects.hash(question, k, numAnswers, explain, reading);
    }
}
