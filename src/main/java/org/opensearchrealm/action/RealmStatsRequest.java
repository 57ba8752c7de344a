/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportRequest;

import java.io.IOException;

/** The nodes whose realm stats are wanted (ids, names or node filters such as {@code _local}; none: all nodes). */
public final class RealmStatsRequest extends BaseNodesRequest<RealmStatsRequest> {

    public RealmStatsRequest(String... nodeIds) {
        super(nodeIds);
    }

    public RealmStatsRequest(StreamInput in) throws IOException {
        super(in);
    }

    /** What one node is asked: nothing beyond "your stats". */
    public static final class NodeRequest extends TransportRequest {

        public NodeRequest() {}

        public NodeRequest(StreamInput in) throws IOException {
            super(in);
        }
    }
}
