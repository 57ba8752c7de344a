/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.core.common.Strings;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;
import org.opensearchrealm.action.RealmSearchAction;
import org.opensearchrealm.action.RealmSearchRequest;

import java.io.IOException;
import java.util.List;

import static org.opensearch.rest.RestRequest.Method.GET;
import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code POST /{index}/_realm} with {@code {"query": "...", "k": 5, "filter": {...}}}, or {@code GET /{index}/_realm?q=...&k=5}.
 */
public final class RestRealmSearchAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "realm_search";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/{index}/_realm"), new Route(POST, "/{index}/_realm"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String[] indices = Strings.splitStringByCommaToArray(request.param("index"));
        String query = request.param("q");
        int k = request.paramAsInt("k", RealmSearchRequest.DEFAULT_K);
        QueryBuilder filter = null;
        if (request.hasContentOrSourceParam()) {
            Body body = parseBody(request, query, k);
            query = body.query;
            k = body.k;
            filter = body.filter;
        }
        RealmSearchRequest searchRequest = new RealmSearchRequest(indices, query, k, filter);
        return channel -> client.execute(RealmSearchAction.INSTANCE, searchRequest, new RestToXContentListener<>(channel));
    }

    private record Body(String query, int k, QueryBuilder filter) {}

    private static Body parseBody(RestRequest request, String query, int k) throws IOException {
        QueryBuilder filter = null;
        try (XContentParser parser = request.contentOrSourceParamParser()) {
            RestParsing.expectStartObject(parser);
            String field = null;
            for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_OBJECT; token = parser.nextToken()) {
                if (token == XContentParser.Token.FIELD_NAME) {
                    field = parser.currentName();
                    continue;
                }
                switch (field) {
                    case "query" -> query = RestParsing.string(parser, field);
                    case "k" -> k = RestParsing.integer(parser, field);
                    case "filter" -> {
                        RestParsing.expect(parser, XContentParser.Token.START_OBJECT, field);
                        filter = AbstractQueryBuilder.parseInnerQueryBuilder(parser);
                    }
                    default -> throw RestParsing.unknownField(parser, field, "query", "k", "filter");
                }
            }
            RestParsing.expectEnd(parser);
        }
        return new Body(query, k, filter);
    }
}
