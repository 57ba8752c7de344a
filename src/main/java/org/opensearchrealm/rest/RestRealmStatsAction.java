/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.core.common.Strings;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestActions;
import org.opensearch.transport.client.node.NodeClient;
import org.opensearchrealm.action.RealmStatsAction;
import org.opensearchrealm.action.RealmStatsRequest;

import java.util.List;

import static org.opensearch.rest.RestRequest.Method.GET;

/** {@code GET /_plugins/_realm/stats} (every node) and {@code GET /_plugins/_realm/{nodeId}/stats} (ids, names, {@code _local}). */
public final class RestRealmStatsAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "realm_stats";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_plugins/_realm/stats"), new Route(GET, "/_plugins/_realm/{nodeId}/stats"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RealmStatsRequest statsRequest = new RealmStatsRequest(Strings.splitStringByCommaToArray(request.param("nodeId")));
        return channel -> client.execute(RealmStatsAction.INSTANCE, statsRequest, new RestActions.NodesResponseRestListener<>(channel));
    }
}
