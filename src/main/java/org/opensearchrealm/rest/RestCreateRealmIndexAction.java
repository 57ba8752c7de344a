/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.common.settings.Settings;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;
import org.opensearchrealm.action.CreateRealmIndexAction;
import org.opensearchrealm.action.CreateRealmIndexRequest;
import org.opensearchrealm.ingest.PassageProcessorFactory;
import org.opensearchrealm.settings.RealmSettings;

import java.io.IOException;
import java.util.List;

import static org.opensearch.rest.RestRequest.Method.PUT;

/**
 * {@code PUT /_plugins/_realm/indices/{index}} with an optional body
 * {@code {"source_field": "text", "model": "all-minilm-l6-v2", "reader": "my-qa-model", "passage_tokens": 200,
 * "overlap_tokens": 32, "settings": {...}}}.
 */
public final class RestCreateRealmIndexAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "realm_create_index";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(PUT, "/_plugins/_realm/indices/{index}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        Body body = new Body();
        if (request.hasContent()) {
            RestParsing.requireUtf8(request.content(), request.getMediaType());
            try (XContentParser parser = request.contentParser()) {
                RestParsing.readObject(parser, body::read);
            }
        }
        CreateRealmIndexRequest create = new CreateRealmIndexRequest(
            request.param("index"),
            body.sourceField,
            body.model,
            body.reader,
            body.passageTokens,
            body.overlapTokens,
            body.settings
        ).searchPipeline(body.searchPipeline);
        return channel -> client.execute(CreateRealmIndexAction.INSTANCE, create, new RestToXContentListener<>(channel));
    }

    /** The body's fields, with their defaults. */
    private static final class Body {
        String sourceField = CreateRealmIndexRequest.DEFAULT_SOURCE_FIELD;
        String model = CreateRealmIndexRequest.DEFAULT_MODEL;
        String reader = RealmSettings.DEFAULT_READER;
        int passageTokens = PassageProcessorFactory.DEFAULT_PASSAGE_TOKENS;
        int overlapTokens = PassageProcessorFactory.DEFAULT_OVERLAP_TOKENS;
        Settings settings = Settings.EMPTY;
        boolean searchPipeline;

        void read(String field, XContentParser parser) throws IOException {
            switch (field) {
                case "source_field" -> sourceField = RestParsing.string(parser, field);
                case "model" -> model = RestParsing.string(parser, field);
                case "reader" -> reader = RestParsing.string(parser, field);
                case PassageProcessorFactory.PASSAGE_TOKENS -> passageTokens = RestParsing.integer(parser, field);
                case PassageProcessorFactory.OVERLAP_TOKENS -> overlapTokens = RestParsing.integer(parser, field);
                case "search_pipeline" -> searchPipeline = RestParsing.bool(parser, field);
                case "settings" -> {
                    RestParsing.expect(parser, XContentParser.Token.START_OBJECT, field);
                    settings = Settings.fromXContent(parser);
                }
                default -> throw RestParsing.unknownField(
                    parser,
                    field,
                    "source_field",
                    "model",
                    "reader",
                    PassageProcessorFactory.PASSAGE_TOKENS,
                    PassageProcessorFactory.OVERLAP_TOKENS,
                    "search_pipeline",
                    "settings"
                );
            }
        }
    }
}
