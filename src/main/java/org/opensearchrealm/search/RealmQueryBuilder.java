/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.core.ParseField;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilderVisitor;
import org.opensearch.index.query.QueryCoordinatorContext;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearchrealm.action.RealmSearchAction;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.action.RealmSearchResponse;
import org.opensearchrealm.retrieve.Retriever;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The {@code realm} query: {@code {"realm": {"query": "...", "k": 5, "retrieval": "hybrid", "filter": {...}}}}, REALM
 * retrieval inside an ordinary search. On the coordinating node it is rewritten asynchronously: the question goes
 * through {@code _realm} itself (without reading: the same encoder on the inference pool, the same dense, BM25 or
 * hybrid retrieval and fusion, as the caller), and the k passages found become a nested query over the passages with
 * inner hits ({@link RetrievedPassagesQueryBuilder}), so each hit is a document with its retrieved passages under
 * {@code inner_hits.realm_passages}, scored as {@code _realm} scored them (through the k-NN plugin's positive mapping
 * {@link Retriever#knnScore}: 1 + score). A document scores its best passage; other clauses of a {@code bool} add to
 * it or filter the k passages' documents.
 */
public final class RealmQueryBuilder extends AbstractQueryBuilder<RealmQueryBuilder> {

    public static final String NAME = "realm";

    private static final ParseField QUERY = new ParseField("query");
    private static final ParseField K = new ParseField("k");
    private static final ParseField RETRIEVAL = new ParseField("retrieval");
    private static final ParseField FILTER = new ParseField("filter");

    private final String query;
    private final int k;
    private final RetrievalMode retrieval;
    private final QueryBuilder filter;
    /** What {@code _realm} retrieved, once the rewrite's asynchronous action has run; null before it is started. */
    private final Supplier<RealmSearchResponse> retrieved;

    /** @param retrieval null: as the indices' {@code index.realm.retrieval} says */
    public RealmQueryBuilder(String query, int k, RetrievalMode retrieval, QueryBuilder filter) {
        this(query, k, retrieval, filter, null);
    }

    private RealmQueryBuilder(String query, int k, RetrievalMode retrieval, QueryBuilder filter, Supplier<RealmSearchResponse> retrieved) {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("[" + NAME + "] requires a non-empty [query]");
        }
        if (k < 1) {
            throw new IllegalArgumentException("[" + NAME + "] [k] must be at least 1, got [" + k + "]");
        }
        this.query = query;
        this.k = k;
        this.retrieval = retrieval;
        this.filter = filter;
        this.retrieved = retrieved;
    }

    public RealmQueryBuilder(StreamInput in) throws IOException {
        super(in);
        query = in.readString();
        k = in.readVInt();
        retrieval = in.readBoolean() ? in.readEnum(RetrievalMode.class) : null;
        filter = in.readOptionalNamedWriteable(QueryBuilder.class);
        retrieved = null;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(query);
        out.writeVInt(k);
        out.writeBoolean(retrieval != null);
        if (retrieval != null) {
            out.writeEnum(retrieval);
        }
        out.writeOptionalNamedWriteable(filter);
    }

    public String query() {
        return query;
    }

    public int k() {
        return k;
    }

    public RetrievalMode retrieval() {
        return retrieval;
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME).field(QUERY.getPreferredName(), query).field(K.getPreferredName(), k);
        if (retrieval != null) {
            builder.field(RETRIEVAL.getPreferredName(), retrieval.name().toLowerCase(Locale.ROOT));
        }
        if (filter != null) {
            builder.field(FILTER.getPreferredName(), filter);
        }
        printBoostAndQueryName(builder);
        builder.endObject();
    }

    public static RealmQueryBuilder fromXContent(XContentParser parser) throws IOException {
        String query = null;
        int k = RealmSearchRequest.DEFAULT_K;
        RetrievalMode retrieval = null;
        QueryBuilder filter = null;
        float boost = DEFAULT_BOOST;
        String queryName = null;
        String field = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                field = parser.currentName();
            } else if (token == XContentParser.Token.START_OBJECT && FILTER.match(field, parser.getDeprecationHandler())) {
                filter = parseInnerQueryBuilder(parser);
            } else if (token.isValue() && QUERY.match(field, parser.getDeprecationHandler())) {
                query = parser.text();
            } else if (token.isValue() && K.match(field, parser.getDeprecationHandler())) {
                k = parser.intValue(false);
            } else if (token.isValue() && RETRIEVAL.match(field, parser.getDeprecationHandler())) {
                retrieval = RetrievalMode.parse(parser.text());
            } else if (token.isValue() && BOOST_FIELD.match(field, parser.getDeprecationHandler())) {
                boost = parser.floatValue();
            } else if (token.isValue() && NAME_FIELD.match(field, parser.getDeprecationHandler())) {
                queryName = parser.text();
            } else {
                throw new IllegalArgumentException(
                    "[" + NAME + "] does not support [" + field + "]; it takes [query], [k], [retrieval], [filter], [boost] and [_name]"
                );
            }
        }
        return new RealmQueryBuilder(query, k, retrieval, filter).boost(boost).queryName(queryName);
    }

    /**
     * On the coordinating node: retrieves with {@code _realm} (asynchronously), then becomes the passages it found
     * ({@link RetrievedPassagesQueryBuilder}).
     * Anywhere else (a shard asked directly, as {@code _explain} or {@code _validate} do) the question cannot be
     * retrieved across the indices: a 400.
     */
    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) {
        if (retrieved != null) {
            RealmSearchResponse response = retrieved.get();
            return response == null ? this : new RetrievedPassagesQueryBuilder(query, k, response.passages()).boost(boost()).queryName(queryName());
        }
        QueryCoordinatorContext coordinator = context.convertToCoordinatorContext();
        if (coordinator == null) {
            if (context.convertToShardContext() != null) {
                throw notInSearch();
            }
            return this;
        }
        IndicesRequest search = coordinator.getSearchRequest();
        if (search instanceof SearchRequest searchRequest && searchRequest.source() != null && searchRequest.source().query() != null) {
            refuseNegated(searchRequest.source().query());
        }
        String[] indices = search.indices() == null || search.indices().length == 0 ? new String[] { "_all" } : search.indices();
        RealmSearchRequest request = new RealmSearchRequest(indices, query, k, filter, RealmSearchRequest.DEFAULT_NUM_ANSWERS, false, false)
            .indicesOptions(search.indicesOptions())
            .retrieval(retrieval);
        AtomicReference<RealmSearchResponse> result = new AtomicReference<>();
        coordinator.registerAsyncAction(
            (client, listener) -> client.execute(RealmSearchAction.INSTANCE, request, ActionListener.wrap(response -> {
                result.set(response);
                AnswersAhead.start(client, search, query, k, response.passages());
                listener.onResponse(null);
            }, listener::onFailure))
        );
        return new RealmQueryBuilder(query, k, retrieval, filter, result::get).boost(boost()).queryName(queryName());
    }

    /** A {@code realm} query under {@code must_not}: it would exclude the passages it retrieved, which means nothing. */
    private static void refuseNegated(QueryBuilder root) {
        root.visit(new NegationFinder(false));
    }

    private record NegationFinder(boolean negated) implements QueryBuilderVisitor {
        @Override
        public void accept(QueryBuilder qb) {
            if (negated && qb instanceof RealmQueryBuilder) {
                throw new IllegalArgumentException(
                    "[" + NAME + "] cannot be used under [must_not]: it retrieves passages to rank documents by; "
                        + "exclude documents with other queries, or give the [realm] query a [filter]"
                );
            }
        }

        @Override
        public QueryBuilderVisitor getChildVisitor(BooleanClause.Occur occur) {
            return occur == BooleanClause.Occur.MUST_NOT ? new NegationFinder(true) : this;
        }
    }

    private static IllegalArgumentException notInSearch() {
        return new IllegalArgumentException(
            "the [" + NAME + "] query retrieves across the indices of a search and runs only in a search (_search, _msearch, _count), not on one shard"
        );
    }

    @Override
    protected Query doToQuery(QueryShardContext context) {
        throw notInSearch(); // rewritten away on the coordinating node
    }

    @Override
    protected boolean doEquals(RealmQueryBuilder other) {
        return query.equals(other.query) && k == other.k && retrieval == other.retrieval && Objects.equals(filter, other.filter)
            && Objects.equals(retrieved, other.retrieved);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(query, k, retrieval, filter);
    }
}
