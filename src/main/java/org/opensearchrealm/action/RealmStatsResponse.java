/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentFragment;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/** The realm stats of the nodes asked, under {@code nodes} by node id (the REST layer adds {@code _nodes} and {@code cluster_name}). */
public final class RealmStatsResponse extends BaseNodesResponse<RealmNodeStats> implements ToXContentFragment {

    public RealmStatsResponse(ClusterName clusterName, List<RealmNodeStats> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    public RealmStatsResponse(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    protected List<RealmNodeStats> readNodesFrom(StreamInput in) throws IOException {
        return in.readList(RealmNodeStats::new);
    }

    @Override
    protected void writeNodesTo(StreamOutput out, List<RealmNodeStats> nodes) throws IOException {
        out.writeList(nodes);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject("nodes");
        for (RealmNodeStats node : getNodes()) {
            builder.startObject(node.getNode().getId());
            node.toXContent(builder, params);
            builder.endObject();
        }
        return builder.endObject();
    }
}
