/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.routing.IndexRoutingTable;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.cluster.routing.ShardRoutingState;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.settings.RealmSettings;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * After a node starts, sends a few {@code _realm} requests of its own to each REALM index that existed before it
 * started, once the index's shards on this node have started, in every retrieval mode, reading as the index reads: a
 * node's first searches pay for class loading and JIT compilation of the whole search path (hundreds of milliseconds
 * for the first), which the models' warm-up ({@code model.WarmUp}) cannot reach, and which the first user question
 * after a restart would otherwise pay. Indices created while the node runs are not warmed: the node has searched, or
 * its first question on a new, small index is cheap.
 *
 * <p>Reading is warmed by the reader's own warm-up and by one request in {@link #READ_EVERY}; the others retrieve only
 * (cheap: ~20 ms against ~80 with reading), because the retrieval path needs more passes than a dozen to be compiled:
 * after 12 warm-up requests, a restarted node's first question still took 50-66 ms to retrieve against ~21 ms for the
 * next ones; after 60, 18-21 ms.
 *
 * <p>The requests run as the node (a stashed thread context, as the plugin's other internal work), one after another,
 * with fixed questions; their answers are discarded and they are not counted as requests
 * ({@link #TRANSIENT}), only in {@code search_warm_up} of the stats. A failure ends the index's warm-up, logged.
 */
public final class SearchWarmUp implements ClusterStateListener {

    /** Thread-context transient that marks the warm-up's own requests. */
    static final String TRANSIENT = "_realm_search_warm_up";

    private static final Logger logger = LogManager.getLogger(SearchWarmUp.class);
    private static final List<String> QUESTIONS = List.of("what is it", "who was the first", "when did it happen", "where is it");
    private static final RetrievalMode[] MODES = RetrievalMode.values();
    private static final int K = 5;
    /** One warm-up request in this many reads as the index reads; the others retrieve only. */
    static final int READ_EVERY = 4;

    private final Client client;
    private final ThreadPool threadPool;
    private final RealmMetrics metrics;
    private final int searches;
    private final long nodeStartMillis;
    private final Set<String> warmed = ConcurrentHashMap.newKeySet();

    /**
     * @param searches        requests per index ({@link RealmSettings#SEARCH_WARM_UP_SEARCHES}; 0: none)
     * @param nodeStartMillis when the node started: only indices created before are warmed
     */
    public SearchWarmUp(Client client, ThreadPool threadPool, RealmMetrics metrics, int searches, long nodeStartMillis) {
        this.client = client;
        this.threadPool = threadPool;
        this.metrics = metrics;
        this.searches = searches;
        this.nodeStartMillis = nodeStartMillis;
    }

    @Override
    public void clusterChanged(ClusterChangedEvent event) {
        if (searches == 0 || event.routingTableChanged() == false) {
            return;
        }
        for (IndexMetadata index : event.state().metadata().indices().values()) {
            if (due(event.state(), index) && warmed.add(index.getIndexUUID())) {
                String name = index.getIndex().getName();
                metrics.warmUpStarted();
                // the applier thread must not wait, nor read the cluster state the search action reads
                threadPool.generic().execute(() -> search(name, 0));
            }
        }
    }

    /** A REALM index created before the node started, all of its primaries active, one of its shards started here. */
    boolean due(ClusterState state, IndexMetadata index) {
        if (RealmSettings.INDEX_MODEL.get(index.getSettings()).isEmpty() || index.getCreationDate() >= nodeStartMillis) {
            return false;
        }
        IndexRoutingTable routing = state.routingTable().index(index.getIndex());
        if (routing == null || routing.allPrimaryShardsActive() == false) {
            return false;
        }
        String local = state.nodes().getLocalNodeId();
        for (ShardRouting shard : routing.shardsWithState(ShardRoutingState.STARTED)) {
            if (local.equals(shard.currentNodeId())) {
                return true;
            }
        }
        return false;
    }

    private void search(String index, int done) {
        if (done == searches) {
            logger.debug("warmed up the search path on [{}] with [{}] searches", index, done);
            metrics.warmUpEnded();
            return;
        }
        RealmSearchRequest request = request(index, done);
        ThreadContext context = threadPool.getThreadContext();
        try (ThreadContext.StoredContext ignored = context.stashContext()) {
            context.putTransient(TRANSIENT, Boolean.TRUE);
            client.execute(RealmSearchAction.INSTANCE, request, ActionListener.wrap(response -> {
                metrics.warmUpSearch(true);
                search(index, done + 1);
            }, e -> {
                metrics.warmUpSearch(false);
                metrics.warmUpEnded();
                logger.info("search warm-up of [{}] stopped after [{}] searches: {}", index, done, e.toString());
            }));
        }
    }

    /** The warm-up's {@code n}-th request: every retrieval mode in turn, reading (as the index reads) one in {@link #READ_EVERY}. */
    static RealmSearchRequest request(String index, int n) {
        Boolean read = n % READ_EVERY == 0 ? null : Boolean.FALSE;
        return new RealmSearchRequest(
            new String[] { index },
            QUESTIONS.get(n % QUESTIONS.size()),
            K,
            null,
            RealmSearchRequest.DEFAULT_NUM_ANSWERS,
            false,
            read
        ).retrieval(MODES[n % MODES.length]);
    }
}
