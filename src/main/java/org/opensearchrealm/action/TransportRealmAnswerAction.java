/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.lease.Releasable;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearchrealm.action.RealmSearchResponse.Reading;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.read.ReadDispatcher;
import org.opensearchrealm.retrieve.Retriever;

/**
 * Reads the passages of a {@link RealmAnswerRequest} exactly as {@code _realm} reads the passages it retrieved
 * ({@link PassageReading}): the same reader, threshold, temperature and read mass of the indices, the same nodes.
 */
public final class TransportRealmAnswerAction extends HandledTransportAction<RealmAnswerRequest, RealmAnswerResponse> {

    private final ClusterService clusterService;
    private final IndexNameExpressionResolver resolver;
    private final InferenceService inference;
    private final PassageReading reading;

    @Inject
    public TransportRealmAnswerAction(
        TransportService transportService,
        ActionFilters actionFilters,
        ClusterService clusterService,
        IndexNameExpressionResolver resolver,
        InferenceService inference,
        ReadDispatcher reads
    ) {
        super(RealmAnswerAction.NAME, transportService, actionFilters, RealmAnswerRequest::new);
        this.clusterService = clusterService;
        this.resolver = resolver;
        this.inference = inference;
        this.reading = new PassageReading(transportService, clusterService, inference, reads);
    }

    @Override
    protected void doExecute(Task task, RealmAnswerRequest request, ActionListener<RealmAnswerResponse> given) {
        // ingest batches hold back while a question is read, as for _realm
        Releasable inFlight = inference.queryInFlight();
        ActionListener<RealmAnswerResponse> listener = ActionListener.runAfter(given, inFlight::close);
        PassageReading.ReadConfig config;
        try {
            ClusterState state = clusterService.state();
            config = reading.readConfig(state, resolver.concreteIndexNames(state, request), null, null);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        if (config == null) {
            listener.onResponse(new RealmAnswerResponse((Reading) null));
            return;
        }
        PassageReading.Question question = new PassageReading.Question(request.question(), request.numAnswers(), request.explain());
        reading.read(
            task,
            question,
            config,
            new Retriever.Retrieval(request.passages(), request.shards()),
            ActionListener.map(listener, (Reading read) -> new RealmAnswerResponse(read))
        );
    }
}
