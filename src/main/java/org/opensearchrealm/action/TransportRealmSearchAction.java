/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.regex.Regex;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearchrealm.index.RealmSettings;
import org.opensearchrealm.model.Encoder.TextKind;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.retrieve.Retriever;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Answers {@code _realm}: encodes the question with the indices' model on the inference pool, then retrieves the
 * passages with the highest inner product with it.
 */
public final class TransportRealmSearchAction extends HandledTransportAction<RealmSearchRequest, RealmSearchResponse> {

    private static final Logger logger = LogManager.getLogger(TransportRealmSearchAction.class);

    private final ClusterService clusterService;
    private final IndexNameExpressionResolver resolver;
    private final InferenceService inference;
    private final Retriever retriever;
    private volatile int maxK;
    private volatile int maxQueryChars;

    @Inject
    public TransportRealmSearchAction(
        TransportService transportService,
        ActionFilters actionFilters,
        ClusterService clusterService,
        IndexNameExpressionResolver resolver,
        InferenceService inference,
        Retriever retriever
    ) {
        super(RealmSearchAction.NAME, transportService, actionFilters, RealmSearchRequest::new);
        this.clusterService = clusterService;
        this.resolver = resolver;
        this.inference = inference;
        this.retriever = retriever;
        maxK = RealmSettings.MAX_K.get(clusterService.getSettings());
        maxQueryChars = RealmSettings.MAX_QUERY_CHARS.get(clusterService.getSettings());
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.MAX_K, v -> maxK = v);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.MAX_QUERY_CHARS, v -> maxQueryChars = v);
    }

    @Override
    protected void doExecute(Task task, RealmSearchRequest request, ActionListener<RealmSearchResponse> listener) {
        long start = System.nanoTime();
        String modelId;
        try {
            checkLimits(request);
            ClusterState state = clusterService.state();
            modelId = modelOf(state, resolver.concreteIndexNames(state, request), explicitIndices(state, request));
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        if (modelId == null) { // a wildcard that matched no index
            listener.onResponse(new RealmSearchResponse(millisSince(start), 0, 0, List.of()));
            return;
        }
        inference.embed(modelId, List.of(request.query()), TextKind.QUERY, ActionListener.wrap(vectors -> {
            double encodeMillis = (System.nanoTime() - start) / 1e6;
            long searchStart = System.nanoTime();
            retriever.retrieve(request.indices(), vectors[0], request.k(), request.filter(), ActionListener.wrap(passages -> {
                double searchMillis = (System.nanoTime() - searchStart) / 1e6;
                listener.onResponse(new RealmSearchResponse(millisSince(start), encodeMillis, searchMillis, passages));
            }, listener::onFailure));
        }, e -> {
            logger.debug(() -> "encoding the query of " + request + " with model [" + modelId + "] failed", e);
            listener.onFailure(e);
        }));
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
