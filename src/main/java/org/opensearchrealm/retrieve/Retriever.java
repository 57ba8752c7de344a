/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.retrieve;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.lucene.search.join.ScoreMode;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.common.util.concurrent.CountDown;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.InnerHitBuilder;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.NestedQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.WrapperQueryBuilder;
import org.opensearch.search.SearchHit;
import org.opensearch.search.SearchHits;
import org.opensearch.search.SearchShardTarget;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.settings.RealmMapping;
import org.opensearchrealm.settings.RealmSettings.Fusion;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;
import org.opensearchrealm.settings.SourceFieldValues;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds the best passages for a question: by maximum inner product search over passage vectors with the k-NN plugin
 * (dense), by BM25 over the passages' text, or by both, fused ({@link ScoreFusion}). Each search asks for the top
 * documents with all their matching passages (inner hits): a document's score is its best passage's, so the n best
 * passages overall lie within the n best documents, and the top passages are taken across documents.
 * <p>
 * The search runs as the caller, so document-level security filters documents as it does for {@code _search}. Field-level
 * security and masking, however, apply per field, and passages are copies of the source field in another field: a
 * rule that hides or masks only the source field would leave the copies readable. So the search also fetches the
 * source field as the caller sees it, and a passage is kept only when its text is exactly that view's text between
 * the passage's offsets: nobody gets a passage, or an answer read in one, that they cannot read in the source field.
 */
public final class Retriever {

    private static final Logger logger = LogManager.getLogger(Retriever.class);

    private static final String[] PASSAGE_FIELDS = {
        RealmMapping.PASSAGES + "." + RealmMapping.NUMBER,
        RealmMapping.PASSAGES + "." + RealmMapping.TEXT,
        RealmMapping.PASSAGES + "." + RealmMapping.START,
        RealmMapping.PASSAGES + "." + RealmMapping.END };

    /** The search pipeline id that runs no pipeline, not even an index's default one. */
    public static final String NO_SEARCH_PIPELINE = "_none";

    private final Client client;

    public Retriever(Client client) {
        this.client = client;
    }

    /**
     * The top passages, best first, and for each the shard copy that served it (null when unknown): where the
     * passages live, for reading on a data node that holds them.
     */
    public record Retrieval(List<RetrievedPassage> passages, List<SearchShardTarget> shards) {
        public Retrieval {
            passages = List.copyOf(passages);
            shards = Collections.unmodifiableList(new ArrayList<>(shards)); // may hold nulls
            if (passages.size() != shards.size()) {
                throw new IllegalArgumentException(passages.size() + " passages but " + shards.size() + " shards");
            }
        }
    }

    /**
     * How to retrieve: the mode, and for BM25 and hybrid retrieval how deep each ranking goes and how they are fused.
     *
     * @param denseWeight the dense ranking's weight in convex fusion
     * @param titleField  a document field BM25 also matches, its score added to each of the document's passages; empty
     *                    for none
     */
    public record Plan(RetrievalMode mode, Fusion fusion, double denseWeight, int depth, String titleField) {
        /** Whether the question must be embedded. */
        public boolean dense() {
            return mode != RetrievalMode.BM25;
        }
    }

    /** What to retrieve with: the question's text and vector, how many passages, a filter on documents (or null). */
    public record Question(String text, float[] vector, int k, QueryBuilder filter) {}

    /**
     * @param indicesOptions how {@code indices} resolve, as the {@code _realm} request asked
     * @param sourceFields   the source field of each REALM index the search may reach, by concrete index name; passages
     *                       of other indices are left out
     * @param question       its vector may be null when the plan is not {@link Plan#dense()}
     */
    public void retrieve(
        String[] indices,
        IndicesOptions indicesOptions,
        Map<String, String> sourceFields,
        Question question,
        Plan plan,
        ActionListener<Retrieval> listener
    ) {
        int k = question.k();
        int depth = Math.max(k, plan.depth());
        QueryBuilder[] queries;
        try {
            queries = switch (plan.mode()) {
                case DENSE -> new QueryBuilder[] { dense(question, k) };
                case BM25 -> new QueryBuilder[] { bm25(question, depth, plan.titleField()) };
                case HYBRID -> new QueryBuilder[] { dense(question, depth), bm25(question, depth, plan.titleField()) };
            };
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        switch (plan.mode()) {
            case DENSE -> search(indices, indicesOptions, sourceFields, queries[0], true, k, listener);
            // BM25 alone: its scores normalised as in a fusion where it has all the weight
            case BM25 -> search(
                indices,
                indicesOptions,
                sourceFields,
                queries[0],
                false,
                depth,
                ActionListener.map(listener, bm25 -> ScoreFusion.fuse(NOTHING, bm25, Fusion.CONVEX, 0.0, k))
            );
            case HYBRID -> {
                Retrieval[] rankings = new Retrieval[2];
                CountDown both = new CountDown(2);
                AtomicBoolean failed = new AtomicBoolean();
                for (int i = 0; i < 2; i++) {
                    int ranking = i;
                    search(indices, indicesOptions, sourceFields, queries[i], i == 0, depth, ActionListener.wrap(found -> {
                        rankings[ranking] = found;
                        if (both.countDown()) {
                            listener.onResponse(ScoreFusion.fuse(rankings[0], rankings[1], plan.fusion(), plan.denseWeight(), k));
                        }
                    }, e -> {
                        if (failed.compareAndSet(false, true)) {
                            listener.onFailure(e);
                        }
                    }));
                }
            }
        }
    }

    private static final Retrieval NOTHING = new Retrieval(List.of(), List.of());

    /**
     * The top {@code n} passages of the documents {@code query} finds (a query with {@link #nested} passages).
     *
     * @param knn whether the scores are the k-NN plugin's (mapped back to inner products) rather than BM25's
     */
    private void search(
        String[] indices,
        IndicesOptions indicesOptions,
        Map<String, String> sourceFields,
        QueryBuilder query,
        boolean knn,
        int n,
        ActionListener<Retrieval> listener
    ) {
        SearchRequest search = new SearchRequest(indices).indicesOptions(indicesOptions)
            .source(source(query, n, sourceFields.values()))
            .pipeline(NO_SEARCH_PIPELINE); // the indices' default search pipeline may hold REALM's own processors

        client.search(
            search,
            ActionListener.wrap(response -> listener.onResponse(topPassages(response, n, sourceFields, knn)), listener::onFailure)
        );
    }

    /**
     * A document's score is its best passage's; its passages that match come back as inner hits, {@code n} at most,
     * with what {@link #topPassages} reads of them.
     */
    public static NestedQueryBuilder nested(QueryBuilder passageQuery, int n) {
        return new NestedQueryBuilder(RealmMapping.PASSAGES, passageQuery, ScoreMode.Max)
            .ignoreUnmapped(true) // a wildcard may also match indices without passages: they contribute nothing
            .innerHit(new InnerHitBuilder().setSize(n).setFetchSourceContext(new FetchSourceContext(true, PASSAGE_FIELDS, null)));
    }

    static SearchSourceBuilder source(QueryBuilder query, int n, Collection<String> sourceFields) {
        SearchSourceBuilder source = new SearchSourceBuilder().query(query).size(n).trackTotalHits(false);
        // no source field, no passage can be checked, none is kept: fetch nothing (empty includes would fetch everything)
        return sourceFields.isEmpty() ? source.fetchSource(false) : source.fetchSource(new TreeSet<>(sourceFields).toArray(String[]::new), null);
    }

    /** The n nearest passages, among those of documents that match the filter (the k-NN query filters as it ranks). */
    private static QueryBuilder dense(Question question, int n) {
        try {
            return nested(new WrapperQueryBuilder(knnQuery(question.vector(), n, question.filter())), n);
        } catch (IOException e) { // writing JSON to memory
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Passages by BM25, among those of documents that match the filter (a filter names document fields); with a title
     * field, the document's title matched too: a document scores its best passage plus its title.
     */
    static QueryBuilder bm25(Question question, int n, String titleField) {
        QueryBuilder nested = nested(bm25Query(question.text()), n);
        boolean title = titleField != null && titleField.isEmpty() == false;
        if (question.filter() == null && title == false) {
            return nested;
        }
        BoolQueryBuilder bool = QueryBuilders.boolQuery().must(nested);
        if (title) {
            bool.should(QueryBuilders.matchQuery(titleField, question.text()));
        }
        return question.filter() == null ? bool : bool.filter(question.filter());
    }

    /** BM25 over the passages' text. */
    static QueryBuilder bm25Query(String text) {
        return QueryBuilders.matchQuery(RealmMapping.PASSAGES + "." + RealmMapping.TEXT, text);
    }

    /**
     * The k-NN query as JSON, parsed on the shards by the k-NN plugin: this plugin needs no compile-time coupling to
     * k-NN classes. {@code expand_nested_docs} scores every passage of a matching document, not only its best.
     */
    static String knnQuery(float[] vector, int k, QueryBuilder filter) throws IOException {
        XContentBuilder b = JsonXContent.contentBuilder().startObject().startObject("knn").startObject(RealmMapping.vectorPath());
        b.field("vector", vector).field("k", k).field("expand_nested_docs", true);
        if (filter != null) {
            b.field("filter");
            filter.toXContent(b, ToXContent.EMPTY_PARAMS);
        }
        b.endObject().endObject().endObject();
        return BytesReference.bytes(b).utf8ToString();
    }

    /** A passage and the shard that served its document. */
    private record Found(RetrievedPassage passage, SearchShardTarget shard) {}

    /**
     * The top k passages across the hits. k-NN scores are mapped back to inner products; a BM25 passage scores its own
     * score plus what its document scores above its best passage (its title's match, {@link #bm25}).
     */
    public static Retrieval topPassages(SearchResponse response, int k, Map<String, String> sourceFields, boolean knn) {
        List<Found> passages = new ArrayList<>();
        for (SearchHit hit : response.getHits()) {
            SearchHits inner = hit.getInnerHits() == null ? null : hit.getInnerHits().get(RealmMapping.PASSAGES);
            if (inner == null) {
                continue;
            }
            float best = Float.NEGATIVE_INFINITY;
            for (SearchHit passage : inner) {
                best = Math.max(best, passage.getScore());
            }
            float documentBonus = knn || Float.isFinite(best) == false ? 0f : Math.max(0f, hit.getScore() - best);
            String sourceField = sourceFields.get(hit.getIndex());
            List<Object> sourceValues = sourceField == null || hit.hasSource() == false
                ? List.of()
                : SourceFieldValues.of(hit.getSourceAsMap(), sourceField);
            Object visibleSource = sourceValues.size() == 1 ? sourceValues.get(0) : null;
            int hidden = 0;
            for (SearchHit passage : inner) {
                Map<String, Object> source = passage.getSourceAsMap();
                // a field of the passage that field-level security hides makes it unreadable too
                if (source.get(RealmMapping.TEXT) instanceof String text
                    && source.get(RealmMapping.NUMBER) instanceof Number number
                    && source.get(RealmMapping.START) instanceof Number start
                    && source.get(RealmMapping.END) instanceof Number end
                    && readableInSource(visibleSource, text, start.intValue(), end.intValue())) {
                    passages.add(new Found(
                        new RetrievedPassage(
                            hit.getIndex(),
                            hit.getId(),
                            number.intValue(),
                            text,
                            start.intValue(),
                            end.intValue(),
                            knn ? innerProduct(passage.getScore()) : passage.getScore() + documentBonus
                        ),
                        hit.getShard()
                    ));
                } else {
                    hidden++;
                }
            }
            if (hidden > 0) {
                int count = hidden;
                logger.debug(
                    () -> "left out " + count + " passage(s) of [" + hit.getIndex() + "][" + hit.getId() + "]: their text is not what the caller "
                        + "sees in source field [" + sourceField + "] (field-level security or masking)"
                );
            }
        }
        passages.sort(Comparator.comparingDouble((Found f) -> f.passage().score()).reversed());
        List<Found> top = passages.size() > k ? passages.subList(0, k) : passages;
        return new Retrieval(top.stream().map(Found::passage).toList(), top.stream().map(Found::shard).toList());
    }

    /**
     * Whether the caller can read the passage: the source field as they see it ({@code visibleSource}: null when
     * field-level security hides it, a hash when it is masked) holds exactly the passage's text between its offsets.
     */
    static boolean readableInSource(Object visibleSource, String text, int start, int end) {
        return visibleSource instanceof String source
            && 0 <= start
            && start <= end
            && end <= source.length()
            && source.regionMatches(start, text, 0, text.length())
            && text.length() == end - start;
    }

    /** Undoes the k-NN plugin's mapping of inner products to non-negative scores (1 + ip, or 1 / (1 - ip) below 0). */
    public static float innerProduct(float knnScore) {
        return knnScore >= 1f ? knnScore - 1f : 1f - 1f / knnScore;
    }

    /** The k-NN plugin's mapping of an inner product to a positive score, which {@link #innerProduct} undoes. */
    public static float knnScore(float innerProduct) {
        return innerProduct >= 0f ? 1f + innerProduct : 1f / (1f - innerProduct);
    }
}
