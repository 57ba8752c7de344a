/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentFragment;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearchrealm.metrics.InferencePoolStats;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.LoadedModel;

import java.io.IOException;
import java.util.List;

/** One node's realm stats: its loaded models and their memory against the budget, its inference pool, its counters. */
public final class RealmNodeStats extends BaseNodeResponse implements ToXContentFragment {

    private final List<LoadedModel> models;
    private final long memoryBudgetBytes;
    private final long memoryUsedBytes;
    private final InferencePoolStats pool;
    private final RealmMetrics.Snapshot metrics;

    public RealmNodeStats(
        DiscoveryNode node,
        List<LoadedModel> models,
        long memoryBudgetBytes,
        long memoryUsedBytes,
        InferencePoolStats pool,
        RealmMetrics.Snapshot metrics
    ) {
        super(node);
        this.models = List.copyOf(models);
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.memoryUsedBytes = memoryUsedBytes;
        this.pool = pool;
        this.metrics = metrics;
    }

    public RealmNodeStats(StreamInput in) throws IOException {
        super(in);
        models = in.readList(LoadedModel::new);
        memoryBudgetBytes = in.readLong();
        memoryUsedBytes = in.readLong();
        pool = new InferencePoolStats(in);
        metrics = new RealmMetrics.Snapshot(in);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeList(models);
        out.writeLong(memoryBudgetBytes);
        out.writeLong(memoryUsedBytes);
        pool.writeTo(out);
        metrics.writeTo(out);
    }

    public List<LoadedModel> models() {
        return models;
    }

    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    public long memoryUsedBytes() {
        return memoryUsedBytes;
    }

    public InferencePoolStats pool() {
        return pool;
    }

    public RealmMetrics.Snapshot metrics() {
        return metrics;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.field("name", getNode().getName());
        builder.startArray("models");
        for (LoadedModel model : models) {
            model.toXContent(builder, params);
        }
        builder.endArray();
        builder.startObject("memory").field("budget_bytes", memoryBudgetBytes).field("used_bytes", memoryUsedBytes).endObject();
        builder.field("inference_pool", pool);
        return metrics.toXContent(builder, params);
    }
}
