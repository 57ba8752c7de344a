/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

import static org.opensearch.action.ValidateActions.addValidationError;

/**
 * The question and the texts of the retrieved passages, to be read by reader model {@code reader}: at most
 * {@code topSpans} spans per passage, each at most {@code maxAnswerTokens} word pieces long.
 */
public final class ReadRequest extends ActionRequest {

    private final String reader;
    private final String question;
    private final List<String> passages;
    private final int maxAnswerTokens;
    private final int topSpans;

    public ReadRequest(String reader, String question, List<String> passages, int maxAnswerTokens, int topSpans) {
        this.reader = Objects.requireNonNull(reader);
        this.question = Objects.requireNonNull(question);
        this.passages = List.copyOf(passages);
        this.maxAnswerTokens = maxAnswerTokens;
        this.topSpans = topSpans;
    }

    public ReadRequest(StreamInput in) throws IOException {
        super(in);
        reader = in.readString();
        question = in.readString();
        passages = in.readStringList();
        maxAnswerTokens = in.readVInt();
        topSpans = in.readVInt();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeString(reader);
        out.writeString(question);
        out.writeStringCollection(passages);
        out.writeVInt(maxAnswerTokens);
        out.writeVInt(topSpans);
    }

    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = null;
        if (reader.isEmpty()) {
            e = addValidationError("a reader model id is required", e);
        }
        if (maxAnswerTokens < 1) {
            e = addValidationError("the longest answer must be at least 1 token, got [" + maxAnswerTokens + "]", e);
        }
        if (topSpans < 1) {
            e = addValidationError("the number of spans per passage must be at least 1, got [" + topSpans + "]", e);
        }
        return e;
    }

    @Override
    public String getDescription() {
        return "read " + passages.size() + " passage(s) with reader [" + reader + "]";
    }

    public String reader() {
        return reader;
    }

    public String question() {
        return question;
    }

    public List<String> passages() {
        return passages;
    }

    public int maxAnswerTokens() {
        return maxAnswerTokens;
    }

    public int topSpans() {
        return topSpans;
    }
}
