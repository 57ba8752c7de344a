/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearchrealm.metrics.InferencePoolStats;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.InferenceService;

import java.io.IOException;
import java.util.List;

/**
 * Gathers {@link RealmNodeStats} from the nodes asked. Runs on the management pool, not the inference pool, so that
 * the stats still answer while inference is saturated.
 */
public final class TransportRealmStatsAction extends TransportNodesAction<
    RealmStatsRequest,
    RealmStatsResponse,
    RealmStatsRequest.NodeRequest,
    RealmNodeStats> {

    private final InferenceService models;
    private final RealmMetrics metrics;

    @Inject
    public TransportRealmStatsAction(
        ThreadPool threadPool,
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        InferenceService models,
        RealmMetrics metrics
    ) {
        super(
            RealmStatsAction.NAME,
            threadPool,
            clusterService,
            transportService,
            actionFilters,
            RealmStatsRequest::new,
            RealmStatsRequest.NodeRequest::new,
            ThreadPool.Names.MANAGEMENT,
            RealmNodeStats.class
        );
        this.models = models;
        this.metrics = metrics;
    }

    @Override
    protected RealmStatsResponse newResponse(RealmStatsRequest request, List<RealmNodeStats> responses, List<FailedNodeException> failures) {
        return new RealmStatsResponse(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected RealmStatsRequest.NodeRequest newNodeRequest(RealmStatsRequest request) {
        return new RealmStatsRequest.NodeRequest();
    }

    @Override
    protected RealmNodeStats newNodeResponse(StreamInput in) throws IOException {
        return new RealmNodeStats(in);
    }

    @Override
    protected RealmNodeStats nodeOperation(RealmStatsRequest.NodeRequest request) {
        return new RealmNodeStats(
            clusterService.localNode(),
            models.loadedModels(),
            models.memoryBudgetBytes(),
            models.memoryUsedBytes(),
            InferencePoolStats.of(threadPool, models),
            metrics.snapshot()
        );
    }
}
