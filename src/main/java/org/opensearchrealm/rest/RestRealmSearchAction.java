/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.action.support.IndicesOptions;
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
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.io.IOException;
import java.util.List;

import static org.opensearch.rest.RestRequest.Method.GET;
import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code POST /{index}/_realm} with {@code {"query": "...", "k": 5, "filter": {...}, "num_answers": 3, "explain": false,
 * "read": true, "retrieval": "dense", "read_mass": 0.98}}, or {@code GET /{index}/_realm?q=...&k=5&num_answers=3&explain=false&read=true&retrieval=dense&read_mass=0.98}. A URL parameter given
 * with a body overrides the body's field, as {@code _search}'s {@code q} and {@code size} do. The indices resolve as for
 * {@code _search}, with its URL parameters {@code ignore_unavailable}, {@code allow_no_indices} and
 * {@code expand_wildcards}.
 */
public final class RestRealmSearchAction extends BaseRestHandler {

    /**
     * How deep {@code filter} may nest objects and arrays: real filters stay far below, and the recursive query parser
     * stays far from the HTTP thread's stack limit (a few hundred levels).
     */
    static final int MAX_FILTER_DEPTH = 100;

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
        Body body = new Body();
        if (request.hasContent()) {
            RestParsing.requireUtf8(request.content(), request.getMediaType());
        }
        if (request.hasContentOrSourceParam()) {
            try (XContentParser parser = contentOrSourceParamParser(request)) {
                RestParsing.readObject(parser, body::read);
            }
        }
        // as for _search (q over the body's query, size over its size), a URL parameter overrides the body's field
        if (request.hasParam("q")) {
            body.query = request.param("q");
        }
        if (request.hasParam("k")) {
            body.k = request.paramAsInt("k", RealmSearchRequest.DEFAULT_K);
        }
        if (request.hasParam("num_answers")) {
            body.numAnswers = request.paramAsInt("num_answers", RealmSearchRequest.DEFAULT_NUM_ANSWERS);
        }
        if (request.hasParam("explain")) {
            body.explain = request.paramAsBoolean("explain", false);
        }
        if (request.hasParam("read")) {
            body.read = request.paramAsBoolean("read", true);
        }
        if (request.hasParam("retrieval")) {
            body.retrieval = RetrievalMode.parse(request.param("retrieval"));
        }
        if (request.hasParam("read_mass")) {
            body.readMass = RestParsing.doubleParam(request, "read_mass");
        }
        String[] indices = Strings.splitStringByCommaToArray(request.param("index"));
        RealmSearchRequest searchRequest = new RealmSearchRequest(
            indices,
            body.query,
            body.k,
            body.filter,
            body.numAnswers,
            body.explain,
            body.read
        ).indicesOptions(IndicesOptions.fromRequest(request, RealmSearchRequest.DEFAULT_INDICES_OPTIONS)).retrieval(body.retrieval).readMass(body.readMass);
        return channel -> client.execute(RealmSearchAction.INSTANCE, searchRequest, new RestToXContentListener<>(channel));
    }

    /** The body, or the {@code source} URL parameter in the format {@code source_content_type} names. */
    private static XContentParser contentOrSourceParamParser(RestRequest request) throws IOException {
        try {
            return request.contentOrSourceParamParser();
        } catch (IllegalStateException e) { // OpenSearch's answer to a missing or unknown source_content_type: a 500
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The request's parameters: the defaults, then the body's fields, then the URL's parameters. */
    private static final class Body {
        String query;
        int k = RealmSearchRequest.DEFAULT_K;
        QueryBuilder filter;
        int numAnswers = RealmSearchRequest.DEFAULT_NUM_ANSWERS;
        boolean explain;
        Boolean read;
        RetrievalMode retrieval;
        Double readMass;

        void read(String field, XContentParser parser) throws IOException {
            switch (field) {
                case "query" -> query = RestParsing.string(parser, field);
                case "k" -> k = RestParsing.integer(parser, field);
                case "filter" -> {
                    try (XContentParser filterParser = RestParsing.depthCheckedObject(parser, field, MAX_FILTER_DEPTH)) {
                        filter = AbstractQueryBuilder.parseInnerQueryBuilder(filterParser);
                    }
                }
                case "num_answers" -> numAnswers = RestParsing.integer(parser, field);
                case "explain" -> explain = RestParsing.bool(parser, field);
                case "read" -> read = RestParsing.bool(parser, field);
                case "retrieval" -> retrieval = RetrievalMode.parse(RestParsing.string(parser, field));
                case "read_mass" -> readMass = RestParsing.number(parser, field);
                default -> throw RestParsing.unknownField(
                    parser,
                    field,
                    "query",
                    "k",
                    "filter",
                    "num_answers",
                    "explain",
                    "read",
                    "retrieval",
                    "read_mass"
                );
            }
        }
    }
}
