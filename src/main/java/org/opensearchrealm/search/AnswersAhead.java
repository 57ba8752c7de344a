/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.StepListener;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.action.support.ActionRequestMetadata;
import org.opensearch.action.support.ContextPreservingActionListener;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.index.Index;
import org.opensearch.index.IndexSettings;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.pipeline.PipelineConfiguration;
import org.opensearch.search.pipeline.PipelineProcessingContext;
import org.opensearch.search.pipeline.PipelinedRequest;
import org.opensearch.search.pipeline.SearchPipelineService;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.action.RealmAnswerAction;
import org.opensearchrealm.action.RealmAnswerRequest;
import org.opensearchrealm.action.RealmAnswerResponse;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.retrieve.Retriever;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reading ahead for the {@code realm_answers} processor. When the pipeline a search runs through answers it (holds a
 * {@code realm_answers} processor), its {@code realm} query starts reading the passages {@code _realm} retrieved as soon
 * as they are there, so that reading runs while the search itself runs instead of after it; the processor takes that
 * reading ({@link #takeFor}) when it asks exactly what was read (question, passages, number of answers, explain), and
 * reads on its own otherwise. Whether the pipeline answers is decided by {@link Filter} on the search request as the
 * client sent it, where the pipeline is found as the node resolves it: the request's {@code search_pipeline}, else its
 * inline pipeline, else, for a search of one index, the index's {@code index.search.default_pipeline}.
 */
public final class AnswersAhead {

    /** Where the reading started for a search waits, in its pipeline's processing context. */
    static final String ATTRIBUTE = "realm.answers_ahead";

    /** The thread-context transient that holds the {@link Marked} search. */
    static final String TRANSIENT = "_realm_answers_ahead";

    /**
     * A search as the client sent it (its source: the request the pipeline gives the query is a copy that shares it), and
     * the number of answers its pipeline's {@code realm_answers} asks; 0: its pipeline does not answer.
     */
    record Marked(SearchSourceBuilder source, int numAnswers) {}

    private AnswersAhead() {}

    /** A reading started for a search: what it reads, and its outcome once there. */
    record Started(RealmAnswersProcessor.Asked asked, StepListener<RealmAnswerResponse> outcome) {}

    /**
     * Starts reading the passages of the search's {@code realm} clause when its pipeline answers it; does nothing
     * otherwise (no pipeline, one without {@code realm_answers}, no passage).
     */
    static void start(Client client, Object search, String question, int k, List<RetrievedPassage> passages) {
        Marked marked = client.threadPool().getThreadContext().getTransient(TRANSIENT);
        if (marked == null
            || marked.numAnswers() == 0
            || !(search instanceof PipelinedRequest pipelined)
            || pipelined.source() != marked.source() // another search of the same context (_msearch): not known
            || passages.isEmpty()) {
            return;
        }
        RealmAnswersProcessor.Asked asked = RealmAnswersProcessor.Asked.forClause(
            new Questions.RealmClause(question, k, passages),
            RealmAnswersProcessor.extOf(pipelined.source()),
            marked.numAnswers()
        );
        List<RetrievedPassage> read = asked.retrieved();
        RealmAnswerRequest request = RealmAnswersProcessor.answerRequest(
            asked,
            RealmAnswersProcessor.passageIndices(read, new String[0]),
            // which copies serve them is known only from the search's hits
            new Retriever.Retrieval(read, Collections.nCopies(read.size(), null))
        );
        StepListener<RealmAnswerResponse> outcome = new StepListener<>();
        pipelined.getPipelineProcessingContext().setAttribute(ATTRIBUTE, new Started(asked, outcome));
        client.execute(RealmAnswerAction.INSTANCE, request, outcome);
    }

    /** The reading started ahead for exactly what the processor asks; null when there is none. */
    static StepListener<RealmAnswerResponse> takeFor(PipelineProcessingContext context, RealmAnswersProcessor.Asked asked) {
        if (context != null && context.getAttribute(ATTRIBUTE) instanceof Started started && started.asked().equals(asked)) {
            return started.outcome();
        }
        return null;
    }

    /**
     * Marks a search with a {@code realm} query with the number of answers its pipeline's {@code realm_answers} asks
     * (0: none), for {@link #start}: once the node has resolved the pipeline, the request no longer names it.
     */
    public static final class Filter implements ActionFilter {
        private final ClusterService clusterService;
        private final IndexNameExpressionResolver resolver;
        private final ThreadContext threadContext;

        public Filter(ClusterService clusterService, IndexNameExpressionResolver resolver, ThreadContext threadContext) {
            this.clusterService = clusterService;
            this.resolver = resolver;
            this.threadContext = threadContext;
        }

        @Override
        public int order() {
            return Integer.MAX_VALUE; // after any filter that authorizes the request
        }

        @Override
        public <Request extends ActionRequest, Response extends ActionResponse> void apply(
            Task task,
            String action,
            Request request,
            ActionRequestMetadata<Request, Response> metadata,
            ActionListener<Response> listener,
            ActionFilterChain<Request, Response> chain
        ) {
            if (SearchAction.NAME.equals(action)
                && request instanceof SearchRequest search
                && search.source() != null
                && threadContext.getTransient(TRANSIENT) == null // the searches a search runs itself are not marked again
                && Questions.realmClause(search.source().query()).isPresent()) {
                int numAnswers;
                try {
                    numAnswers = answersOf(clusterService.state(), resolver, search).orElse(0);
                } catch (RuntimeException e) { // the search reports what is wrong with its pipeline
                    numAnswers = 0;
                }
                // only for this search: the caller's context gets back what it had, and so do the search's listeners
                ThreadContext.StoredContext caller = threadContext.newStoredContext(true);
                threadContext.putTransient(TRANSIENT, new Marked(search.source(), numAnswers));
                try {
                    chain.proceed(task, action, request, new ContextPreservingActionListener<>(() -> caller, listener));
                } finally {
                    caller.restore();
                }
                return;
            }
            chain.proceed(task, action, request, listener);
        }
    }

    /**
     * The {@code num_answers} of the first {@code realm_answers} processor of the pipeline the search runs through;
     * empty when it has none.
     */
    static OptionalInt answersOf(ClusterState state, IndexNameExpressionResolver resolver, SearchRequest search) {
        Map<String, Object> pipeline = pipelineOf(state, resolver, search);
        if (pipeline == null || !(pipeline.get("response_processors") instanceof List<?> processors)) {
            return OptionalInt.empty();
        }
        for (Object processor : processors) {
            if (processor instanceof Map<?, ?> typed && typed.get(RealmAnswersProcessor.TYPE) instanceof Map<?, ?> config) {
                Map<String, Object> copy = new HashMap<>();
                config.forEach((key, value) -> copy.put(String.valueOf(key), value));
                return OptionalInt.of(
                    ConfigurationUtils.readIntProperty(RealmAnswersProcessor.TYPE, null, copy, "num_answers", RealmSearchRequest.DEFAULT_NUM_ANSWERS)
                );
            }
        }
        return OptionalInt.empty();
    }

    /** The configuration of the search's pipeline, or null when it runs through none. */
    private static Map<String, Object> pipelineOf(ClusterState state, IndexNameExpressionResolver resolver, SearchRequest search) {
        if (search.source() != null && search.source().searchPipelineSource() != null) {
            return search.source().searchPipelineSource();
        }
        String id = search.pipeline();
        if (id == null && search.indices() != null && search.indices().length == 1) {
            Index[] indices = resolver.concreteIndices(state, search);
            IndexMetadata metadata = indices.length == 1 ? state.metadata().index(indices[0]) : null;
            if (metadata != null && IndexSettings.DEFAULT_SEARCH_PIPELINE.exists(metadata.getSettings())) {
                id = IndexSettings.DEFAULT_SEARCH_PIPELINE.get(metadata.getSettings());
            }
        }
        if (id == null || SearchPipelineService.NOOP_PIPELINE_ID.equals(id)) {
            return null;
        }
        for (PipelineConfiguration pipeline : SearchPipelineService.getPipelines(state, id)) {
            if (pipeline.getId().equals(id)) { // an id is not a pattern here
                return pipeline.getConfigAsMap();
            }
        }
        return null;
    }
}
