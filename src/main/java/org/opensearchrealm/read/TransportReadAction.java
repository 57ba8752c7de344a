/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.InferenceService;

/**
 * Reads passages on this node. The transport thread only hands the work to the inference pool
 * ({@link InferenceService#read}); a full pool answers with a rejection (429), which the coordinator treats like any
 * failure of this node.
 */
public final class TransportReadAction extends HandledTransportAction<ReadRequest, ReadResponse> {

    private final InferenceService inference;
    private final RealmMetrics metrics;
    private final ClusterService clusterService;

    @Inject
    public TransportReadAction(
        TransportService transportService,
        ActionFilters actionFilters,
        ClusterService clusterService,
        InferenceService inference,
        RealmMetrics metrics
    ) {
        super(ReadAction.NAME, transportService, actionFilters, ReadRequest::new);
        this.inference = inference;
        this.metrics = metrics;
        this.clusterService = clusterService;
    }

    @Override
    protected void doExecute(Task task, ReadRequest request, ActionListener<ReadResponse> listener) {
        inference.read(
            request.reader(),
            request.question(),
            request.passages(),
            request.maxAnswerTokens(),
            request.topSpans(),
            ActionListener.wrap(readings -> {
                metrics.read(true);
                listener.onResponse(new ReadResponse(clusterService.localNode().getName(), readings));
            }, e -> {
                metrics.read(false);
                listener.onFailure(e);
            })
        );
    }
}
