/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.search.SearchShardTarget;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import static org.opensearch.action.ValidateActions.addValidationError;

/**
 * A question and the passages a search found for it (best first, with their retrieval scores and the shard copy that
 * served each, null where unknown), to be read with the reader of the indices they come from.
 */
public final class RealmAnswerRequest extends ActionRequest implements IndicesRequest.Replaceable {

    private String[] indices;
    private final IndicesOptions indicesOptions;
    private final String question;
    private final List<RetrievedPassage> passages;
    private final List<SearchShardTarget> shards;
    private final int numAnswers;
    private final boolean explain;

    public RealmAnswerRequest(
        String[] indices,
        IndicesOptions indicesOptions,
        String question,
        List<RetrievedPassage> passages,
        List<SearchShardTarget> shards,
        int numAnswers,
        boolean explain
    ) {
        this.indices = Objects.requireNonNull(indices);
        this.indicesOptions = Objects.requireNonNull(indicesOptions);
        this.question = question;
        this.passages = List.copyOf(passages);
        this.shards = Collections.unmodifiableList(new ArrayList<>(shards)); // may hold nulls
        this.numAnswers = numAnswers;
        this.explain = explain;
    }

    public RealmAnswerRequest(StreamInput in) throws IOException {
        super(in);
        indices = in.readStringArray();
        indicesOptions = IndicesOptions.readIndicesOptions(in);
        question = in.readString();
        passages = in.readList(RetrievedPassage::new);
        shards = Collections.unmodifiableList(in.readList(i -> i.readOptionalWriteable(SearchShardTarget::new)));
        numAnswers = in.readVInt();
        explain = in.readBoolean();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeStringArray(indices);
        indicesOptions.writeIndicesOptions(out);
        out.writeString(question);
        out.writeList(passages);
        out.writeCollection(shards, StreamOutput::writeOptionalWriteable);
        out.writeVInt(numAnswers);
        out.writeBoolean(explain);
    }

    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = null;
        if (question == null || question.isBlank()) {
            e = addValidationError("[question] is required and must not be empty", e);
        }
        if (numAnswers < 1 || numAnswers > RealmSearchRequest.MAX_NUM_ANSWERS) {
            e = addValidationError("[num_answers] must be between 1 and " + RealmSearchRequest.MAX_NUM_ANSWERS + ", got [" + numAnswers + "]", e);
        }
        if (passages.size() != shards.size()) {
            e = addValidationError(passages.size() + " passages but " + shards.size() + " shards", e);
        }
        if (indices.length == 0) {
            e = addValidationError("an index is required", e);
        }
        return e;
    }

    public String question() {
        return question;
    }

    public List<RetrievedPassage> passages() {
        return passages;
    }

    public List<SearchShardTarget> shards() {
        return shards;
    }

    public int numAnswers() {
        return numAnswers;
    }

    public boolean explain() {
        return explain;
    }

    @Override
    public String[] indices() {
        return indices;
    }

    /** Lets the security plugin narrow wildcards and aliases down to the indices the user may read. */
    @Override
    public RealmAnswerRequest indices(String... indices) {
        this.indices = Objects.requireNonNull(indices);
        return this;
    }

    @Override
    public IndicesOptions indicesOptions() {
        return indicesOptions;
    }

    @Override
    public String toString() {
        return "RealmAnswerRequest{indices=" + Arrays.toString(indices) + ", passages=" + passages.size() + ", question=[" + question + "]}";
    }
}
