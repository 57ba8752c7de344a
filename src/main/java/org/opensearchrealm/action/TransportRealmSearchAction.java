/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.lease.Releasable;
import org.opensearch.common.regex.Regex;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearchrealm.action.RealmSearchResponse.Reading;
import org.opensearchrealm.answer.AnswerScorer;
import org.opensearchrealm.answer.Answers;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.Encoder.TextKind;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.ModelException;
import org.opensearchrealm.read.ReadDispatcher;
import org.opensearchrealm.read.ReadNodeSelector;
import org.opensearchrealm.read.ReadRequest;
import org.opensearchrealm.read.ReaderError;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.retrieve.Retriever;
import org.opensearchrealm.settings.RealmSettings;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import java.util.Map;
import java.util.Set;

/**
 * Answers {@code _realm}: encodes the question with the indices' model on the inference pool, retrieves the passages
 * with the highest inner product with it, and, when the indices have a reader, has a node read the passages
 * ({@link ReadDispatcher}: a node with the {@code ml} role, else the fallback) and scores the answers
 * ({@link AnswerScorer}). A failed read does not fail the request: the passages come back with a {@code reader_error}.
 */
public final class TransportRealmSearchAction extends HandledTransportAction<RealmSearchRequest, RealmSearchResponse> {

    private static final Logger logger = LogManager.getLogger(TransportRealmSearchAction.class);

    private final TransportService transportService;
    private final ClusterService clusterService;
    private final IndexNameExpressionResolver resolver;
    private final InferenceService inference;
    private final Retriever retriever;
    private final PassageReading reading;
    private final RealmMetrics metrics;
    private volatile int maxK;
    private volatile int maxQueryChars;

    @Inject
    public TransportRealmSearchAction(
        TransportService transportService,
        ActionFilters actionFilters,
        ClusterService clusterService,
        IndexNameExpressionResolver resolver,
        InferenceService inference,
        Retriever retriever,
        ReadDispatcher reads,
        RealmMetrics metrics
    ) {
        super(RealmSearchAction.NAME, transportService, actionFilters, RealmSearchRequest::new);
        this.transportService = transportService;
        this.clusterService = clusterService;
        this.resolver = resolver;
        this.inference = inference;
        this.retriever = retriever;
        this.metrics = metrics;
        this.reading = new PassageReading(transportService, clusterService, inference, reads);
        maxK = RealmSettings.MAX_K.get(clusterService.getSettings());
        maxQueryChars = RealmSettings.MAX_QUERY_CHARS.get(clusterService.getSettings());
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.MAX_K, v -> maxK = v);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.MAX_QUERY_CHARS, v -> maxQueryChars = v);
    }

    @Override
    protected void doExecute(Task task, RealmSearchRequest request, ActionListener<RealmSearchResponse> given) {
        long start = System.nanoTime();
        // ingest batches hold back while the question is in flight (plugins.realm.model.bulk_yield)
        Releasable inFlight = inference.queryInFlight();
        ActionListener<RealmSearchResponse> listener = ActionListener.runAfter(given, inFlight::close);
        boolean warmUp = transportService.getThreadPool().getThreadContext().getTransient(SearchWarmUp.TRANSIENT) != null;
        try {
            // the node's own warm-up is not a request to count
            search(task, request, start, warmUp ? listener : ActionListener.wrap(response -> {
                Reading reading = response.reading();
                metrics.searchServed(
                    response.encodeMillis(),
                    response.searchMillis(),
                    reading == null ? -1 : reading.readMillis(),
                    (System.nanoTime() - start) / 1e6
                );
                listener.onResponse(response);
            }, e -> {
                metrics.searchFailed();
                listener.onFailure(e);
            }));
        } catch (RuntimeException e) {
            listener.onFailure(e);
        }
    }

    private void search(Task task, RealmSearchRequest request, long start, ActionListener<RealmSearchResponse> listener) {
        String modelId;
        String queryModelId;
        PassageReading.ReadConfig readConfig;
        Retriever.Plan plan;
        Map<String, String> sourceFields;
        try {
            checkLimits(request);
            ClusterState state = clusterService.state();
            String[] concrete = resolver.concreteIndexNames(state, request);
            modelId = modelOf(state, concrete, explicitIndices(state, request));
            queryModelId = modelId == null ? null : queryModelOf(state, concrete, modelId, inference::descriptor);
            readConfig = reading.readConfig(state, concrete, request.read(), request.readMass());
            plan = retrievalPlan(state, concrete, request.retrieval());
            sourceFields = sourceFields(state, concrete);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        if (modelId == null) { // a wildcard that matched no index
            listener.onResponse(new RealmSearchResponse(millisSince(start), 0, 0, List.of()));
            return;
        }
        embedIfDense(queryModelId, request.query(), plan, ActionListener.wrap(vector -> {
            double encodeMillis = (System.nanoTime() - start) / 1e6;
            long searchStart = System.nanoTime();
            Retriever.Question question = new Retriever.Question(request.query(), vector, request.k(), request.filter());
            retriever.retrieve(request.indices(), request.indicesOptions(), sourceFields, question, plan, ActionListener.wrap(retrieval -> {
                double searchMillis = (System.nanoTime() - searchStart) / 1e6;
                if (readConfig == null) {
                    listener.onResponse(new RealmSearchResponse(millisSince(start), encodeMillis, searchMillis, retrieval.passages()));
                    return;
                }
                PassageReading.Question asked = new PassageReading.Question(request.query(), request.numAnswers(), request.explain());
                reading.read(task, asked, readConfig, retrieval, ActionListener.wrap(read -> {
                    listener.onResponse(
                        new RealmSearchResponse(millisSince(start), encodeMillis, searchMillis, retrieval.passages(), read)
                    );
                }, listener::onFailure));
            }, listener::onFailure));
        }, e -> {
            logger.debug(() -> "encoding the query of " + request + " with model [" + modelId + "] failed", e);
            listener.onFailure(e);
        }));
    }

    /** The question's vector when the plan retrieves by vectors; null, without encoding, for BM25 alone. */
    private void embedIfDense(String modelId, String query, Retriever.Plan plan, ActionListener<float[]> listener) {
        if (plan.dense() == false) {
            listener.onResponse(null);
            return;
        }
        inference.embed(modelId, List.of(query), TextKind.QUERY, ActionListener.map(listener, vectors -> vectors[0]));
    }

    /**
     * How to retrieve from the REALM indices among {@code indices}: the request's mode, or the one their
     * {@code index.realm.retrieval} names; for BM25 and hybrid retrieval, their depth and fusion. Indices asked together
     * must agree on what they are asked with.
     */
    static Retriever.Plan retrievalPlan(ClusterState state, String[] indices, RealmSettings.RetrievalMode requested) {
        Retriever.Plan plan = null;
        String planIndex = null;
        for (String index : indices) {
            Settings settings = state.metadata().index(index).getSettings();
            if (RealmSettings.INDEX_MODEL.get(settings).isEmpty()) {
                continue;
            }
            RealmSettings.RetrievalMode mode = requested != null ? requested : RealmSettings.INDEX_RETRIEVAL.get(settings);
            Retriever.Plan indexPlan = mode == RealmSettings.RetrievalMode.DENSE
                ? new Retriever.Plan(mode, RealmSettings.Fusion.CONVEX, 1.0, 0, "") // dense alone: no depth, no fusion, no title
                : new Retriever.Plan(
                    mode,
                    RealmSettings.INDEX_FUSION.get(settings),
                    RealmSettings.INDEX_HYBRID_WEIGHT.get(settings),
                    RealmSettings.INDEX_RETRIEVAL_DEPTH.get(settings),
                    RealmSettings.INDEX_TITLE_FIELD.get(settings)
                );
            if (plan != null && plan.equals(indexPlan) == false) {
                throw new IllegalArgumentException(
                    "indices [" + planIndex + "] and [" + index + "] retrieve differently (" + plan + " and " + indexPlan
                        + ": index.realm.retrieval, fusion, hybrid_weight, retrieval_depth, title_field); ask them separately, or give the same settings"
                );
            }
            plan = indexPlan;
            planIndex = index;
        }
        return plan != null ? plan : new Retriever.Plan(RealmSettings.RetrievalMode.DENSE, RealmSettings.Fusion.CONVEX, 1.0, 0, "");
    }

    private void checkLimits(RealmSearchRequest request) {
        if (request.k() > maxK) {
            throw new IllegalArgumentException("[k] must be at most [" + maxK + "] (" + RealmSettings.MAX_K.getKey() + "), got [" + request.k() + "]");
        }
        if (request.query().length() > maxQueryChars) {
            throw new IllegalArgumentException(
                "[query] is "
                    + request.query().length()
                    + " characters long, longer than the limit of ["
                    + maxQueryChars
                    + "] ("
                    + RealmSettings.MAX_QUERY_CHARS.getKey()
                    + ")"
            );
        }
    }

    /**
     * The one model shared by the REALM indices; queries can only be compared with passages embedded by the same model.
     * Other indices are an error when named (directly or through an alias), and skipped when a wildcard matched them,
     * as {@code _search} searches whatever a wildcard matches.
     */
    static String modelOf(ClusterState state, String[] indices, Set<String> named) {
        String model = null;
        for (String index : indices) {
            String indexModel = RealmSettings.INDEX_MODEL.get(state.metadata().index(index).getSettings());
            if (indexModel.isEmpty()) {
                if (named.contains(index)) {
                    throw new IllegalArgumentException(
                        "index [" + index + "] is not a REALM index; create one with PUT /_plugins/_realm/indices/{name}"
                    );
                }
                continue;
            }
            if (model != null && model.equals(indexModel) == false) {
                throw new IllegalArgumentException(
                    "indices use different models [" + model + "] and [" + indexModel + "]; ask them separately"
                );
            }
            model = indexModel;
        }
        return model;
    }

    /**
     * The model that encodes the question for the REALM indices among {@code indices}: their
     * {@code index.realm.query_model}, else their model's {@code query_model} (model.json), else their model. Indices
     * asked together must agree; another model than the indices' must be an encoder of the same dimension.
     */
    static String queryModelOf(
        ClusterState state,
        String[] indices,
        String model,
        BiFunction<String, ModelDescriptor.Task, ModelDescriptor> descriptors
    ) {
        ModelDescriptor passages = descriptors.apply(model, ModelDescriptor.Task.EMBEDDING);
        String byDefault = passages.encoder().queryModel().isEmpty() ? model : passages.encoder().queryModel();
        String queryModel = null;
        for (String index : indices) {
            Settings settings = state.metadata().index(index).getSettings();
            if (RealmSettings.INDEX_MODEL.get(settings).isEmpty()) {
                continue;
            }
            String indexQueryModel = RealmSettings.INDEX_QUERY_MODEL.get(settings);
            String effective = indexQueryModel.isEmpty() ? byDefault : indexQueryModel;
            if (queryModel != null && queryModel.equals(effective) == false) {
                throw new IllegalArgumentException(
                    "indices encode questions with different models [" + queryModel + "] and [" + effective + "] ("
                        + RealmSettings.INDEX_QUERY_MODEL.getKey() + "); ask them separately"
                );
            }
            queryModel = effective;
        }
        if (queryModel.equals(model) == false) {
            int queryDimension = descriptors.apply(queryModel, ModelDescriptor.Task.EMBEDDING).encoder().dimension();
            int passageDimension = passages.encoder().dimension();
            if (queryDimension != passageDimension) {
                throw new IllegalArgumentException(
                    "[" + RealmSettings.INDEX_QUERY_MODEL.getKey() + "] is [" + queryModel + "], which makes vectors of "
                        + queryDimension + " dimensions, but the index's model [" + model + "] makes " + passageDimension
                );
            }
        }
        return queryModel;
    }

    /** The source field of each REALM index among {@code indices}: the text its passages must be found in. */
    public static Map<String, String> sourceFields(ClusterState state, String[] indices) {
        Map<String, String> fields = new HashMap<>();
        for (String index : indices) {
            Settings settings = state.metadata().index(index).getSettings();
            if (RealmSettings.INDEX_MODEL.get(settings).isEmpty() == false) {
                fields.put(index, RealmSettings.INDEX_SOURCE_FIELD.get(settings));
            }
        }
        return Map.copyOf(fields);
    }

    /** The indices the request names without a wildcard. */
    private Set<String> explicitIndices(ClusterState state, RealmSearchRequest request) {
        String[] named = Arrays.stream(request.indices())
            .filter(e -> Regex.isSimpleMatchPattern(e) == false && Metadata.ALL.equals(e) == false)
            .toArray(String[]::new);
        return named.length == 0 ? Set.of() : Set.of(resolver.concreteIndexNames(state, request.indicesOptions(), named));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
