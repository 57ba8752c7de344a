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
import org.opensearch.index.query.QueryBuilder;
import org.opensearchrealm.answer.AnswerScorer;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

import static org.opensearch.action.ValidateActions.addValidationError;

/**
 * A question for {@code _realm}. It names its indices like a search does, so index permissions, aliases and wildcards
 * apply to it as they do to {@code _search}.
 */
public final class RealmSearchRequest extends ActionRequest implements IndicesRequest.Replaceable {

    public static final int DEFAULT_K = 5;
    public static final int DEFAULT_NUM_ANSWERS = AnswerScorer.DEFAULT_NUM_ANSWERS;
    public static final int MAX_NUM_ANSWERS = 20;
    /** How indices resolve unless the request says otherwise: as {@code _search}'s (missing or closed named index: an error). */
    public static final IndicesOptions DEFAULT_INDICES_OPTIONS = IndicesOptions.strictExpandOpenAndForbidClosed();

    private String[] indices;
    private final String query;
    private final int k;
    private final QueryBuilder filter;
    private final int numAnswers;
    private final boolean explain;
    private final Boolean read;
    private IndicesOptions indicesOptions = DEFAULT_INDICES_OPTIONS;
    private RetrievalMode retrieval;
    private Double readMass;

    /** Retrieval with the indices' reader, if they have one: 3 answers, no explanation. */
    public RealmSearchRequest(String[] indices, String query, int k, QueryBuilder filter) {
        this(indices, query, k, filter, DEFAULT_NUM_ANSWERS, false, null);
    }

    /**
     * @param numAnswers how many answers to return, {@code 1..20}
     * @param explain    whether to return how each passage was read
     * @param read       whether to read the passages for answers; null: when the indices have a reader
     */
    public RealmSearchRequest(String[] indices, String query, int k, QueryBuilder filter, int numAnswers, boolean explain, Boolean read) {
        this.indices = Objects.requireNonNull(indices);
        this.query = query;
        this.k = k;
        this.filter = filter;
        this.numAnswers = numAnswers;
        this.explain = explain;
        this.read = read;
    }

    public RealmSearchRequest(StreamInput in) throws IOException {
        super(in);
        indices = in.readStringArray();
        query = in.readString();
        k = in.readVInt();
        filter = in.readOptionalNamedWriteable(QueryBuilder.class);
        numAnswers = in.readVInt();
        explain = in.readBoolean();
        read = in.readOptionalBoolean();
        indicesOptions = IndicesOptions.readIndicesOptions(in);
        retrieval = in.readBoolean() ? in.readEnum(RetrievalMode.class) : null;
        readMass = in.readOptionalDouble();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeStringArray(indices);
        out.writeString(query);
        out.writeVInt(k);
        out.writeOptionalNamedWriteable(filter);
        out.writeVInt(numAnswers);
        out.writeBoolean(explain);
        out.writeOptionalBoolean(read);
        indicesOptions.writeIndicesOptions(out);
        out.writeBoolean(retrieval != null);
        if (retrieval != null) {
            out.writeEnum(retrieval);
        }
        out.writeOptionalDouble(readMass);
    }

    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = null;
        if (query == null || query.isBlank()) {
            e = addValidationError("[query] is required and must not be empty", e);
        }
        if (k < 1) {
            e = addValidationError("[k] must be at least 1, got [" + k + "]", e);
        }
        if (numAnswers < 1 || numAnswers > MAX_NUM_ANSWERS) {
            e = addValidationError("[num_answers] must be between 1 and " + MAX_NUM_ANSWERS + ", got [" + numAnswers + "]", e);
        }
        if (indices.length == 0) {
            e = addValidationError("an index is required", e);
        }
        if (readMass != null && (readMass >= 0.0 && readMass <= 1.0) == false) {
            e = addValidationError("[read_mass] must be between 0 and 1, got [" + readMass + "]", e);
        }
        return e;
    }

    public String query() {
        return query;
    }

    public int k() {
        return k;
    }

    public int numAnswers() {
        return numAnswers;
    }

    public boolean explain() {
        return explain;
    }

    /** Whether to read the passages for answers: true, false, or null for "when the indices have a reader". */
    public Boolean read() {
        return read;
    }

    /** Query DSL that documents must match for their passages to be retrieved; null when absent. */
    public QueryBuilder filter() {
        return filter;
    }

    @Override
    public String[] indices() {
        return indices;
    }

    /** Lets the security plugin narrow wildcards and aliases down to the indices the user may read. */
    @Override
    public RealmSearchRequest indices(String... indices) {
        this.indices = Objects.requireNonNull(indices);
        return this;
    }

    /** How the indices resolve: {@code ignore_unavailable}, {@code allow_no_indices}, {@code expand_wildcards}. */
    @Override
    public IndicesOptions indicesOptions() {
        return indicesOptions;
    }

    public RealmSearchRequest indicesOptions(IndicesOptions indicesOptions) {
        this.indicesOptions = Objects.requireNonNull(indicesOptions);
        return this;
    }

    /** How to retrieve: dense, BM25 or hybrid; null: as the indices' {@code index.realm.retrieval} says. */
    public RetrievalMode retrieval() {
        return retrieval;
    }

    public RealmSearchRequest retrieval(RetrievalMode retrieval) {
        this.retrieval = retrieval;
        return this;
    }

    /**
     * Adaptive reading: the share of p(z | q) the passages read must hold (1: all k); null: as the indices'
     * {@code index.realm.read_mass} says.
     */
    public Double readMass() {
        return readMass;
    }

    public RealmSearchRequest readMass(Double readMass) {
        this.readMass = readMass;
        return this;
    }

    @Override
    public String toString() {
        return "RealmSearchRequest{indices="
            + Arrays.toString(indices)
            + ", k="
            + k
            + ", num_answers="
            + numAnswers
            + ", read="
            + read
            + ", read_mass="
            + readMass
            + ", indices_options="
            + indicesOptions
            + ", query=["
            + query
            + "]}";
    }
}
