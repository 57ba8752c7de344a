/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.common.settings.Settings;
import org.opensearchrealm.settings.RealmSettings;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Loads, and so warms up ({@link WarmUp}), the models the cluster's REALM indices name before a request needs them:
 * when the node joins a cluster that has such indices, and when an index is created or given another reader. Every
 * node loads the indices' encoders, of passages and of questions (any node may embed a query or a document); only nodes that read load the readers
 * (the ML nodes, or every node in a cluster without one). Each model is asked for once per node; a model that fails
 * to load here is logged and loaded (or reported) again by the first request that needs it. Runs on the cluster
 * applier thread, so it only hands the loads to the inference pool.
 */
public final class ModelPreloader implements ClusterStateListener {

    private final BiConsumer<String, ModelDescriptor.Task> preload;
    private final Predicate<ClusterState> readsHere;
    private final Set<String> requested = ConcurrentHashMap.newKeySet();

    /**
     * @param preload   starts loading a model of a task in the background ({@link InferenceService#preload})
     * @param readsHere whether this node reads passages in a cluster of that state
     */
    public ModelPreloader(BiConsumer<String, ModelDescriptor.Task> preload, Predicate<ClusterState> readsHere) {
        this.preload = preload;
        this.readsHere = readsHere;
    }

    @Override
    public void clusterChanged(ClusterChangedEvent event) {
        if (event.metadataChanged() == false && event.nodesChanged() == false) {
            return;
        }
        ClusterState state = event.state();
        boolean reads = readsHere.test(state);
        for (IndexMetadata index : state.metadata().indices().values()) {
            Settings settings = index.getSettings();
            request(RealmSettings.INDEX_MODEL.get(settings), ModelDescriptor.Task.EMBEDDING);
            request(RealmSettings.INDEX_QUERY_MODEL.get(settings), ModelDescriptor.Task.EMBEDDING);
            if (reads) {
                request(RealmSettings.INDEX_READER.get(settings), ModelDescriptor.Task.EXTRACTIVE_QA);
            }
        }
    }

    private void request(String modelId, ModelDescriptor.Task task) {
        if (modelId.isEmpty() == false && requested.add(modelId)) {
            preload.accept(modelId, task);
        }
    }
}
