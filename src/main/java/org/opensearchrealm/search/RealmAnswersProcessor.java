/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.StepListener;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchResponseSections;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.cluster.ClusterState;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.core.action.ActionListener;
import org.opensearch.search.SearchExtBuilder;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.fetch.subphase.highlight.HighlightBuilder;
import org.opensearch.search.pipeline.AbstractProcessor;
import org.opensearch.search.profile.SearchProfileShardResults;
import org.opensearch.search.SearchShardTarget;
import org.opensearch.search.aggregations.InternalAggregations;
import org.opensearch.search.internal.InternalSearchResponse;
import org.opensearch.search.pipeline.PipelineProcessingContext;
import org.opensearch.search.pipeline.Processor;
import org.opensearch.search.pipeline.SearchResponseProcessor;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.action.RealmAnswerAction;
import org.opensearchrealm.action.RealmAnswerRequest;
import org.opensearchrealm.action.RealmAnswerResponse;
import org.opensearchrealm.action.RealmSearchAction;
import org.opensearchrealm.action.CreateRealmIndexRequest;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.action.RealmSearchResponse.Reading;
import org.opensearchrealm.action.TransportRealmSearchAction;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.retrieve.Retriever;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code realm_answers} search response processor: answers the search's question from its hits' passages with
 * the reader of their indices, exactly as {@code _realm} reads ({@link RealmAnswerAction}: the same nodes, retry,
 * threshold and {@code reader_error}), and adds the answers under {@code ext.realm} and each hit's answer span as a
 * highlight of its source field ({@link AnswerHighlights}).
 * <p>
 * The question is the {@code realm} clause's, else {@code ext.realm.question}, else the text of the query's first
 * {@code query_string}, {@code match} or {@code multi_match}; a search without one passes through unchanged. The
 * passages are the k the {@code realm} clause retrieved (all of them, whatever page of hits the search asks for), else
 * the hits' inner hits of passages, else {@code _realm} retrieves the best passages among the hits' documents. {@code k}, {@code num_answers} and {@code explain} come from {@code ext.realm},
 * else from the processor's configuration.
 */
public final class RealmAnswersProcessor extends AbstractProcessor implements SearchResponseProcessor {

    public static final String TYPE = CreateRealmIndexRequest.ANSWERS_PROCESSOR;

    private static final Logger logger = LogManager.getLogger(RealmAnswersProcessor.class);

    private final Client client;
    private final Supplier<ClusterState> clusterState;
    private final int k;
    private final int numAnswers;

    RealmAnswersProcessor(String tag, String description, boolean ignoreFailure, Client client, Supplier<ClusterState> clusterState, int k, int numAnswers) {
        super(tag, description, ignoreFailure);
        this.client = client;
        this.clusterState = clusterState;
        this.k = k;
        this.numAnswers = numAnswers;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public SearchResponse processResponse(SearchRequest request, SearchResponse response) {
        throw new UnsupportedOperationException("[" + TYPE + "] reads asynchronously");
    }

    /**
     * What the processor was asked, from the request; {@code retrieved}: the passages of its {@code realm} clause, null
     * when it has none.
     */
    record Asked(String question, int k, int numAnswers, boolean explain, List<RetrievedPassage> retrieved) {
        /**
         * What a retrieved {@code realm} clause asks: its question and passages, {@code ext.realm}'s k (fewer passages),
         * number of answers and explain over the clause's k and the processor's number of answers.
         */
        static Asked forClause(Questions.RealmClause clause, RealmSearchExt ext, int numAnswers) {
            int k = ext != null && ext.k() != null ? ext.k() : clause.k();
            List<RetrievedPassage> passages = clause.passages().size() > k ? clause.passages().subList(0, k) : clause.passages();
            return new Asked(
                clause.question(),
                k,
                ext != null && ext.numAnswers() != null ? ext.numAnswers() : numAnswers,
                ext != null && Boolean.TRUE.equals(ext.explain()),
                List.copyOf(passages)
            );
        }
    }

    @Override
    public void processResponseAsync(
        SearchRequest request,
        SearchResponse response,
        PipelineProcessingContext context,
        ActionListener<SearchResponse> listener
    ) {
        Asked asked;
        try {
            asked = asked(request);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        if (asked == null) {
            listener.onResponse(response); // no question: nothing to answer
            return;
        }
        try {
            SearchHit[] hits = response.getHits().getHits();
            Set<String> hitIndices = new LinkedHashSet<>();
            Map<String, SearchShardTarget> shardOf = new HashMap<>();
            for (SearchHit hit : hits) {
                hitIndices.add(hit.getIndex());
                shardOf.put(hit.getIndex() + "/" + hit.getId(), hit.getShard());
            }
            String[] indices = hitIndices.isEmpty() ? request.indices() : hitIndices.toArray(String[]::new);
            Map<String, String> sourceFields = TransportRealmSearchAction.sourceFields(clusterState.get(), hitIndices.toArray(String[]::new));
            if (asked.retrieved() != null) { // the realm query's own passages: all k of them, as _realm reads them
                List<SearchShardTarget> shards = asked.retrieved().stream().map(p -> shardOf.get(p.index() + "/" + p.id())).toList();
                Retriever.Retrieval retrieval = new Retriever.Retrieval(asked.retrieved(), shards);
                StepListener<RealmAnswerResponse> ahead = AnswersAhead.takeFor(context, asked);
                if (ahead != null) { // the realm query started reading them while the search ran
                    logger.trace("[{}] takes the reading started ahead for [{}]", TYPE, asked.question());
                }
                read(request, response, asked, passageIndices(asked.retrieved(), indices), sourceFields, retrieval, ahead, listener);
                return;
            }
            Retriever.Retrieval retrieval = Retriever.topPassages(response, asked.k(), sourceFields, true);
            if (retrieval.passages().isEmpty() && hits.length > 0) {
                // hits without passages: the best passages among the hits' documents, as _realm finds them
                RealmSearchRequest retrieve = new RealmSearchRequest(indices, asked.question(), asked.k(), documentsOf(hits), 1, false, false)
                    .indicesOptions(IndicesOptions.lenientExpandOpen());
                client.execute(RealmSearchAction.INSTANCE, retrieve, ActionListener.wrap(found -> {
                    List<SearchShardTarget> shards = found.passages().stream().map(p -> shardOf.get(p.index() + "/" + p.id())).toList();
                    read(request, response, asked, indices, sourceFields, new Retriever.Retrieval(found.passages(), shards), null, listener);
                }, listener::onFailure));
                return;
            }
            read(request, response, asked, indices, sourceFields, retrieval, null, listener);
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    /**
     * Reads the passages (or takes the reading started ahead for them, when {@code ahead} is not null) and answers the
     * response with it.
     */
    private void read(
        SearchRequest request,
        SearchResponse response,
        Asked asked,
        String[] indices,
        Map<String, String> sourceFields,
        Retriever.Retrieval retrieval,
        StepListener<RealmAnswerResponse> ahead,
        ActionListener<SearchResponse> listener
    ) {
        ActionListener<RealmAnswerResponse> answered = ActionListener.wrap(read -> {
            Reading reading = read.reading();
            if (reading == null) {
                logger.debug("[{}] the indices {} have no reader: nothing to answer", TYPE, Arrays.toString(indices));
                listener.onResponse(response);
                return;
            }
            if (reading.answers() != null && reading.answers().noAnswer() == false) {
                highlights(request).apply(response.getHits(), reading.answers().answers(), retrieval.passages(), sourceFields);
            }
            listener.onResponse(withExt(response, RealmSearchExt.answered(asked.question(), reading)));
        }, listener::onFailure);
        if (ahead != null) {
            ahead.whenComplete(answered::onResponse, answered::onFailure);
        } else {
            client.execute(RealmAnswerAction.INSTANCE, answerRequest(asked, indices, retrieval), answered);
        }
    }

    /** What the reader is asked: the passages of {@code retrieval}, read with the reader of {@code indices}. */
    static RealmAnswerRequest answerRequest(Asked asked, String[] indices, Retriever.Retrieval retrieval) {
        return new RealmAnswerRequest(
            indices,
            IndicesOptions.lenientExpandOpen(),
            asked.question(),
            retrieval.passages(),
            retrieval.shards(),
            asked.numAnswers(),
            asked.explain()
        );
    }

    /** The indices the passages are read from (whose reader reads them); {@code otherwise} when there is none. */
    static String[] passageIndices(List<RetrievedPassage> passages, String[] otherwise) {
        return passages.isEmpty() ? otherwise : passages.stream().map(RetrievedPassage::index).distinct().toArray(String[]::new);
    }

    /** The question and parameters, or null when the request asks none. */
    private Asked asked(SearchRequest request) {
        SearchSourceBuilder source = request.source();
        QueryBuilder query = source == null ? null : source.query();
        RealmSearchExt ext = extOf(source);
        Optional<Questions.RealmClause> clause = Questions.realmClause(query);
        if (clause.isPresent() && clause.get().passages() != null) {
            return Asked.forClause(clause.get(), ext, numAnswers);
        }
        String question = clause.map(Questions.RealmClause::question)
            .or(() -> Optional.ofNullable(ext == null ? null : ext.question()))
            .or(() -> Questions.queryText(query))
            .orElse(null);
        if (question == null) {
            return null;
        }
        int askedK = ext != null && ext.k() != null ? ext.k() : clause.map(Questions.RealmClause::k).orElse(k);
        int askedAnswers = ext != null && ext.numAnswers() != null ? ext.numAnswers() : numAnswers;
        return new Asked(question, askedK, askedAnswers, ext != null && Boolean.TRUE.equals(ext.explain()), null);
    }

    /** The request's {@code ext.realm}, or null. */
    static RealmSearchExt extOf(SearchSourceBuilder source) {
        return source == null ? null : source.ext().stream().filter(e -> e instanceof RealmSearchExt).map(e -> (RealmSearchExt) e).findFirst().orElse(null);
    }

    /** The request's own tags and fragment size when it asks for highlights, else OpenSearch's defaults. */
    private static AnswerHighlights highlights(SearchRequest request) {
        HighlightBuilder asked = request.source() == null ? null : request.source().highlighter();
        if (asked == null) {
            return AnswerHighlights.DEFAULT;
        }
        String pre = asked.preTags() != null && asked.preTags().length > 0 ? asked.preTags()[0] : AnswerHighlights.DEFAULT.preTag();
        String post = asked.postTags() != null && asked.postTags().length > 0 ? asked.postTags()[0] : AnswerHighlights.DEFAULT.postTag();
        int size = asked.fragmentSize() != null ? asked.fragmentSize() : AnswerHighlights.DEFAULT.fragmentSize();
        return new AnswerHighlights(pre, post, size);
    }

    /** A filter on exactly the hits' documents, index by index. */
    private static QueryBuilder documentsOf(SearchHit[] hits) {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        for (SearchHit hit : hits) {
            ids.computeIfAbsent(hit.getIndex(), i -> new ArrayList<>()).add(hit.getId());
        }
        BoolQueryBuilder any = QueryBuilders.boolQuery().minimumShouldMatch(1);
        ids.forEach(
            (index, documents) -> any.should(
                QueryBuilders.boolQuery().filter(QueryBuilders.termQuery("_index", index)).filter(QueryBuilders.idsQuery().addIds(documents.toArray(String[]::new)))
            )
        );
        return any;
    }

    /**
     * The response with {@code ext.realm} added (one already there replaced), as an {@link InternalSearchResponse}: the
     * sections class alone cannot be written to another node.
     */
    private static SearchResponse withExt(SearchResponse response, RealmSearchExt ext) {
        SearchResponseSections sections = response.getInternalResponse();
        List<SearchExtBuilder> exts = new ArrayList<>(sections.getSearchExtBuilders());
        exts.removeIf(e -> e instanceof RealmSearchExt);
        exts.add(ext);
        InternalSearchResponse answered = new InternalSearchResponse(
            sections.hits(),
            (InternalAggregations) sections.aggregations(),
            sections.suggest(),
            sections.profile().isEmpty() ? null : new SearchProfileShardResults(sections.profile()),
            sections.timedOut(),
            sections.terminatedEarly(),
            sections.getNumReducePhases(),
            exts,
            sections.getProcessorResult()
        );
        return new SearchResponse(
            answered,
            response.getScrollId(),
            response.getTotalShards(),
            response.getSuccessfulShards(),
            response.getSkippedShards(),
            response.getTook().millis(),
            response.getPhaseTook(),
            response.getShardFailures(),
            response.getClusters(),
            response.pointInTimeId()
        );
    }

    /** Builds the processor from its configuration: {@code k} (default 5) and {@code num_answers} (default 3). */
    public static final class Factory implements Processor.Factory<SearchResponseProcessor> {
        private final Supplier<Client> client;
        private final Supplier<ClusterState> clusterState;

        public Factory(Supplier<Client> client, Supplier<ClusterState> clusterState) {
            this.client = client;
            this.clusterState = clusterState;
        }

        @Override
        public SearchResponseProcessor create(
            Map<String, Processor.Factory<SearchResponseProcessor>> factories,
            String tag,
            String description,
            boolean ignoreFailure,
            Map<String, Object> config,
            Processor.PipelineContext pipelineContext
        ) {
            int k = ConfigurationUtils.readIntProperty(TYPE, tag, config, "k", RealmSearchRequest.DEFAULT_K);
            int numAnswers = ConfigurationUtils.readIntProperty(TYPE, tag, config, "num_answers", RealmSearchRequest.DEFAULT_NUM_ANSWERS);
            if (k < 1) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "k", "must be at least 1, got [" + k + "]");
            }
            if (numAnswers < 1 || numAnswers > RealmSearchRequest.MAX_NUM_ANSWERS) {
                throw ConfigurationUtils.newConfigurationException(
                    TYPE, tag, "num_answers", "must be between 1 and " + RealmSearchRequest.MAX_NUM_ANSWERS + ", got [" + numAnswers + "]"
                );
            }
            return new RealmAnswersProcessor(tag, description, ignoreFailure, client.get(), clusterState, k, numAnswers);
        }
    }
}
