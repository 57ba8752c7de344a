/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.ActionListenerResponseHandler;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.lease.Releasable;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequestOptions;
import org.opensearch.transport.TransportService;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.settings.RealmSettings;
import org.opensearchrealm.settings.RealmSettings.NodeSelection;
import org.opensearchrealm.settings.RealmSettings.ReadFallback;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The coordinating side of reading: sends a {@link ReadRequest} to the node {@link ReadNodeSelector} picks and, when
 * that node fails (an error, a rejection, a timeout, or the node leaving the cluster), once more to another eligible
 * node. The outcome always arrives through {@code onResponse}: readings, or a {@link ReaderError} when no attempt
 * succeeded, so that {@code _realm} can still return its passages.
 */
public final class ReadDispatcher {

    private static final Logger logger = LogManager.getLogger(ReadDispatcher.class);

    /** The first attempt and one retry. */
    static final int MAX_ATTEMPTS = 2;

    /** How a read ended: readings and the node that read them, or an error and the nodes tried. */
    public record Outcome(List<Reader.PassageReading> readings, String node, int attempts, ReaderError error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final ClusterService clusterService;
    private final ReadNodeSelector selector;
    private volatile ReadFallback fallback;
    private volatile NodeSelection policy;
    private volatile TimeValue timeout;
    private volatile TimeValue cooldown;

    public ReadDispatcher(ClusterService clusterService, ReadNodeSelector selector) {
        this.clusterService = clusterService;
        this.selector = selector;
        fallback = RealmSettings.READ_FALLBACK.get(clusterService.getSettings());
        policy = RealmSettings.READ_NODE_SELECTION.get(clusterService.getSettings());
        timeout = RealmSettings.READ_TIMEOUT.get(clusterService.getSettings());
        cooldown = RealmSettings.READ_FAILURE_COOLDOWN.get(clusterService.getSettings());
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.READ_FALLBACK, v -> fallback = v);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.READ_NODE_SELECTION, v -> policy = v);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.READ_TIMEOUT, v -> timeout = v);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RealmSettings.READ_FAILURE_COOLDOWN, v -> cooldown = v);
    }

    /**
     * Reads the request's passages on the chosen node, as a child of {@code parent}, sent through the caller's
     * {@code transport} (the node's transport service exists only once plugin components are made).
     *
     * @param passageHolders ids of the nodes that hold the passages, best first (for the {@code data_node} fallback);
     *                       computed only when needed
     */
    public void read(
        TransportService transport,
        Task parent,
        ReadRequest request,
        Supplier<List<String>> passageHolders,
        ActionListener<Outcome> listener
    ) {
        new Attempts(transport, parent, request, passageHolders, listener).next(null);
    }

    /** The attempts of one read. */
    private final class Attempts {
        final TransportService transport;
        final Task parent;
        final ReadRequest request;
        final Supplier<List<String>> passageHolders;
        final ActionListener<Outcome> listener;
        final Set<String> tried = new HashSet<>();
        final List<String> triedNames = new ArrayList<>();
        List<String> holders;

        Attempts(
            TransportService transport,
            Task parent,
            ReadRequest request,
            Supplier<List<String>> passageHolders,
            ActionListener<Outcome> listener
        ) {
            this.transport = transport;
            this.parent = parent;
            this.request = request;
            this.passageHolders = passageHolders;
            this.listener = listener;
        }

        void next(Exception lastFailure) {
            DiscoveryNode node;
            try {
                DiscoveryNodes nodes = clusterService.state().nodes();
                ReadFallback currentFallback = fallback;
                if (currentFallback == ReadFallback.DATA_NODE && holders == null && ReadNodeSelector.mlNodes(nodes).isEmpty()) {
                    holders = passageHolders.get();
                }
                node = selector.select(
                    nodes,
                    currentFallback,
                    policy,
                    holders == null ? List.of() : holders,
                    tried,
                    cooldown.nanos(),
                    System.nanoTime()
                );
            } catch (Exception e) {
                fail(e);
                return;
            }
            if (node == null) {
                fail(lastFailure != null ? lastFailure : new NoReadNodeException(fallback));
                return;
            }
            tried.add(node.getId());
            triedNames.add(node.getName());
            Releasable inFlight = selector.startRead(node.getId());
            ActionListener<ReadResponse> onRead = new ActionListener<>() {
                private final AtomicBoolean done = new AtomicBoolean();

                @Override
                public void onResponse(ReadResponse response) {
                    if (done.compareAndSet(false, true)) {
                        inFlight.close();
                        selector.readSucceeded(node.getId());
                        listener.onResponse(new Outcome(response.readings(), response.nodeName(), triedNames.size(), null));
                    }
                }

                @Override
                public void onFailure(Exception e) {
                    if (done.compareAndSet(false, true) == false) {
                        return;
                    }
                    inFlight.close();
                    boolean retryable = retryable(e);
                    if (retryable) { // the node's fault, not the request's
                        selector.readFailed(node.getId(), System.nanoTime());
                    }
                    if (triedNames.size() < MAX_ATTEMPTS && retryable) {
                        logger.debug(() -> "reading on node [" + node.getName() + "] failed; trying another node", e);
                        next(e);
                    } else {
                        fail(e);
                    }
                }
            };
            try {
                transport.sendChildRequest(
                    node,
                    ReadAction.NAME,
                    request,
                    parent,
                    TransportRequestOptions.builder().withTimeout(timeout).build(),
                    new ActionListenerResponseHandler<>(onRead, ReadResponse::new, ThreadPool.Names.SAME)
                );
            } catch (Exception e) { // sendChildRequest reports through the handler; this is a last guard
                onRead.onFailure(e);
            }
        }

        void fail(Exception e) {
            logger.debug(() -> "reading failed on nodes " + triedNames, e);
            listener.onResponse(new Outcome(null, null, triedNames.size(), ReaderError.of(e, triedNames)));
        }
    }

    /**
     * A failure that another node could avoid: anything but a request that no node can read (400) or a cancelled
     * {@code _realm} request.
     */
    static boolean retryable(Exception e) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        if (cause instanceof TaskCancelledException) {
            return false;
        }
        return ExceptionsHelper.status(cause) != RestStatus.BAD_REQUEST;
    }

    /** No node may read: a cluster whose fallback finds no node (e.g. the passages' data nodes all left). */
    static final class NoReadNodeException extends org.opensearch.OpenSearchException {
        NoReadNodeException(ReadFallback fallback) {
            super("no node is available to read the passages (no node with the [ml] role; [plugins.realm.read.fallback] is [" + fallback.jsonName() + "])");
        }

        @Override
        public RestStatus status() {
            return RestStatus.SERVICE_UNAVAILABLE;
        }
    }
}
