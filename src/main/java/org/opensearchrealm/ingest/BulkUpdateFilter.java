/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.DocWriteResponse;
import org.opensearch.action.bulk.BulkAction;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.action.support.ActionRequestMetadata;
import org.opensearch.action.support.ContextPreservingActionListener;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.action.update.UpdateRequest;
import org.opensearch.action.update.UpdateResponse;
import org.opensearch.cluster.metadata.IndexAbstraction;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.settings.RealmSettings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Keeps the passages of REALM documents in step with {@code update} items of {@code _bulk}. OpenSearch applies a bulk
 * item's partial document or script on the shard, after ingest pipelines ran, so the index's pipeline would never see
 * the new text and the document would keep the passages and vectors of its old text. A bulk holding such items is run
 * in its own order instead: each update on a REALM index as an {@code _update} (which resolves the document and then
 * indexes it through the pipeline, as {@code POST /{index}/_update/{id}} does), the other items in sub-bulks between
 * them; the response has every item at its place. Bulks without such items pass untouched.
 */
public final class BulkUpdateFilter implements ActionFilter {

    private final ClusterService clusterService;
    private final Client client;

    public BulkUpdateFilter(ClusterService clusterService, Client client) {
        this.clusterService = clusterService;
        this.client = client;
    }

    @Override
    public int order() {
        return Integer.MAX_VALUE; // last: after any filter that authorizes or rewrites the bulk as a whole
    }

    @Override
    @SuppressWarnings("unchecked")
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(
        Task task,
        String action,
        Request request,
        ActionRequestMetadata<Request, Response> metadata,
        ActionListener<Response> listener,
        ActionFilterChain<Request, Response> chain
    ) {
        String[] realmUpdates = BulkAction.NAME.equals(action) ? realmUpdates((BulkRequest) request) : null;
        if (realmUpdates == null) {
            chain.proceed(task, action, request, listener);
            return;
        }
        new Run((BulkRequest) request, realmUpdates, (ActionListener<BulkResponse>) listener).next(0);
    }

    /** For each item that updates a REALM document, the REALM index it writes to (else null); null when none does. */
    private String[] realmUpdates(BulkRequest bulk) {
        List<DocWriteRequest<?>> items = bulk.requests();
        String[] realm = new String[items.size()];
        boolean any = false;
        SortedMap<String, IndexAbstraction> lookup = null;
        for (int i = 0; i < realm.length; i++) {
            if (items.get(i) instanceof UpdateRequest update) {
                lookup = lookup == null ? clusterService.state().metadata().getIndicesLookup() : lookup;
                String index = realmIndex(lookup, update.index());
                realm[i] = index == null || changesNothing(update) ? null : index;
                any |= realm[i] != null;
            }
        }
        return any ? realm : null;
    }

    /** An update that can only be a no-op (an empty partial document) leaves the passages as they are. */
    private static boolean changesNothing(UpdateRequest update) {
        return update.script() == null
            && update.upsertRequest() == null
            && update.docAsUpsert() == false
            && update.detectNoop()
            && update.doc() != null
            && update.doc().sourceAsMap().isEmpty();
    }

    /** The REALM index that the name is or that an alias of that name writes to; null when it is none. */
    private static String realmIndex(SortedMap<String, IndexAbstraction> lookup, String name) {
        IndexAbstraction target = lookup.get(name);
        IndexMetadata index = target == null ? null : target.getWriteIndex();
        boolean realm = index != null && RealmSettings.INDEX_MODEL.get(index.getSettings()).isEmpty() == false;
        return realm ? index.getIndex().getName() : null;
    }

    /** One bulk run in order: segments of plain items as sub-bulks, REALM updates one by one. */
    private final class Run {
        private final BulkRequest bulk;
        private final String[] realmUpdates;
        private final ActionListener<BulkResponse> listener;
        private final BulkItemResponse[] items;
        private final Supplier<ThreadContext.StoredContext> callerContext;
        private final long started = System.nanoTime();
        private long ingestMillis;

        Run(BulkRequest bulk, String[] realmUpdates, ActionListener<BulkResponse> listener) {
            this.bulk = bulk;
            this.realmUpdates = realmUpdates;
            this.listener = listener;
            this.items = new BulkItemResponse[bulk.requests().size()];
            // the caller's context (its user, for the security plugin) for every step, whichever thread answers
            this.callerContext = client.threadPool().getThreadContext().newRestorableContext(false);
        }

        void next(int from) {
            List<DocWriteRequest<?>> requests = bulk.requests();
            if (from == requests.size()) {
                if (bulk.getRefreshPolicy() == WriteRequest.RefreshPolicy.IMMEDIATE) {
                    markRefreshedShards();
                }
                listener.onResponse(new BulkResponse(items, (System.nanoTime() - started) / 1_000_000, ingestMillis));
                return;
            }
            if (realmUpdates[from] != null) {
                update(from);
            } else {
                plain(from);
            }
        }

        private void update(int position) {
            UpdateRequest update = (UpdateRequest) bulk.requests().get(position);
            update.setRefreshPolicy(bulk.getRefreshPolicy());
            update.waitForActiveShards(bulk.waitForActiveShards());
            update.timeout(bulk.timeout());
            client.update(update, inCallerContext(ActionListener.wrap(response -> {
                if (response.getResult() == DocWriteResponse.Result.NOOP) {
                    noop(position, update, response);
                } else {
                    answer(position, response);
                }
            }, e -> {
                // named by the concrete index, not the alias the item may have given, as a bulk's shard names it
                items[position] = new BulkItemResponse(
                    position,
                    DocWriteRequest.OpType.UPDATE,
                    new BulkItemResponse.Failure(realmUpdates[position], update.id(), e)
                );
                next(position + 1);
            })));
        }

        /**
         * A bulk gives a no-op update the shard copies that its shard bulk reached ({@code _shards}); {@code _update}
         * gives a no-op none. An update with an empty partial document, which can only be a no-op and which this
         * filter lets through, gets them from the shard as a bulk item does.
         */
        private void noop(int position, UpdateRequest update, UpdateResponse response) {
            UpdateRequest probe = new UpdateRequest(realmUpdates[position], update.id()).routing(update.routing()).doc(Map.of());
            BulkRequest shardBulk = new BulkRequest().add(probe).waitForActiveShards(bulk.waitForActiveShards()).timeout(bulk.timeout());
            client.bulk(shardBulk, inCallerContext(ActionListener.wrap(probed -> {
                BulkItemResponse item = probed.getItems()[0];
                if (item.isFailed() == false) { // else the document went meanwhile: the no-op stands as _update gave it
                    response.setShardInfo(item.getResponse().getShardInfo());
                }
                answer(position, response);
            }, e -> answer(position, response))));
        }

        /**
         * With {@code refresh=true} a bulk refreshes each shard that it wrote to, once after all its items there, and
         * says so in every item of that shard, no-ops included. Run in parts, the part that held a no-op may have
         * written nothing to its shard (and then refreshed nothing), while another part did.
         */
        private void markRefreshedShards() {
            Set<ShardId> written = new HashSet<>();
            for (BulkItemResponse item : items) {
                if (item.isFailed() == false && item.getResponse().getResult() != DocWriteResponse.Result.NOOP) {
                    written.add(item.getResponse().getShardId());
                }
            }
            for (BulkItemResponse item : items) {
                if (item.isFailed() == false && written.contains(item.getResponse().getShardId())) {
                    item.getResponse().setForcedRefresh(true);
                }
            }
        }

        private void answer(int position, UpdateResponse response) {
            items[position] = new BulkItemResponse(position, DocWriteRequest.OpType.UPDATE, response);
            next(position + 1);
        }

        private void plain(int from) {
            List<DocWriteRequest<?>> requests = bulk.requests();
            BulkRequest segment = new BulkRequest().setRefreshPolicy(bulk.getRefreshPolicy())
                .waitForActiveShards(bulk.waitForActiveShards())
                .timeout(bulk.timeout());
            List<Integer> positions = new ArrayList<>();
            for (int i = from; i < requests.size() && realmUpdates[i] == null; i++) {
                segment.add(requests.get(i));
                positions.add(i);
            }
            client.bulk(segment, inCallerContext(ActionListener.wrap(response -> {
                BulkItemResponse[] answered = response.getItems();
                for (int i = 0; i < answered.length; i++) {
                    int position = positions.get(i);
                    BulkItemResponse item = answered[i];
                    items[position] = item.isFailed()
                        ? new BulkItemResponse(position, item.getOpType(), item.getFailure())
                        : new BulkItemResponse(position, item.getOpType(), item.getResponse());
                }
                ingestMillis += Math.max(0, response.getIngestTookInMillis());
                next(from + positions.size());
            }, listener::onFailure)));
        }

        private <T> ActionListener<T> inCallerContext(ActionListener<T> step) {
            return new ContextPreservingActionListener<>(callerContext, step);
        }
    }
}
