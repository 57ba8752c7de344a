/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.apache.lucene.search.Query;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.MatchNoneQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.retrieve.Retriever;
import org.opensearchrealm.settings.RealmMapping;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code realm} query once {@code _realm} has retrieved its passages: the question, k, and the passages, best first,
 * with their {@code _realm} scores. It stays so on the coordinating node, where the {@code realm_answers} processor
 * reads the passages from it, and becomes a plain nested query over the passages ({@link #passagesQuery}) anywhere
 * else. Internal: it cannot be written in a request.
 */
public final class RetrievedPassagesQueryBuilder extends AbstractQueryBuilder<RetrievedPassagesQueryBuilder> {

    public static final String NAME = "realm_retrieved";

    private final String question;
    private final int k;
    private final List<RetrievedPassage> passages;

    RetrievedPassagesQueryBuilder(String question, int k, List<RetrievedPassage> passages) {
        this.question = Objects.requireNonNull(question);
        this.k = k;
        this.passages = List.copyOf(passages);
    }

    public RetrievedPassagesQueryBuilder(StreamInput in) throws IOException {
        super(in);
        question = in.readString();
        k = in.readVInt();
        passages = in.readList(RetrievedPassage::new);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(question);
        out.writeVInt(k);
        out.writeList(passages);
    }

    public String question() {
        return question;
    }

    public int k() {
        return k;
    }

    /** Best first, with their {@code _realm} scores. */
    public List<RetrievedPassage> passages() {
        return passages;
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    /** The question and where the passages are (their text is left out: profiles and slow logs stay short). */
    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME).field("query", question).field("k", k).startArray("passages");
        for (RetrievedPassage passage : passages) {
            builder.startObject()
                .field("_index", passage.index())
                .field("_id", passage.id())
                .field("passage", passage.number())
                .field("score", passage.score())
                .endObject();
        }
        builder.endArray();
        printBoostAndQueryName(builder);
        builder.endObject();
    }

    public static RetrievedPassagesQueryBuilder fromXContent(XContentParser parser) {
        throw new IllegalArgumentException("[" + NAME + "] is internal to the [" + RealmQueryBuilder.NAME + "] query; use [" + RealmQueryBuilder.NAME + "]");
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) {
        return context.convertToCoordinatorContext() != null ? this : passagesQuery();
    }

    @Override
    protected Query doToQuery(QueryShardContext context) throws IOException {
        return passagesQuery().toQuery(context);
    }

    /**
     * A nested query over the passages whose should-clauses each match one retrieved passage of one document of one
     * index, scored {@code 1 + } its {@code _realm} score (the k-NN plugin's positive mapping: an inner product may be
     * negative), with the passages as inner hits (what {@link Retriever#topPassages} reads); no passage, no document.
     */
    QueryBuilder passagesQuery() {
        if (passages.isEmpty()) {
            return new MatchNoneQueryBuilder().boost(boost()).queryName(queryName());
        }
        BoolQueryBuilder each = QueryBuilders.boolQuery();
        Map<String, Integer> perDocument = new HashMap<>();
        for (RetrievedPassage passage : passages) {
            perDocument.merge(passage.index() + "/" + passage.id(), 1, Integer::sum);
            each.should(
                QueryBuilders.constantScoreQuery(
                    QueryBuilders.boolQuery()
                        .filter(QueryBuilders.termQuery("_index", passage.index()))
                        .filter(QueryBuilders.idsQuery().addIds(passage.id()))
                        .filter(QueryBuilders.termQuery(RealmMapping.PASSAGES + "." + RealmMapping.NUMBER, passage.number()))
                ).boost(Retriever.knnScore(passage.score()))
            );
        }
        int innerHits = perDocument.values().stream().mapToInt(Integer::intValue).max().orElse(k);
        return Retriever.nested(each, innerHits).boost(boost()).queryName(queryName());
    }

    @Override
    protected boolean doEquals(RetrievedPassagesQueryBuilder other) {
        return question.equals(other.question) && k == other.k && passages.equals(other.passages);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(question, k, passages);
    }
}
