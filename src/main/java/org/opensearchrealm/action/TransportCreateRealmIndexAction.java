/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.ingest.DeletePipelineRequest;
import org.opensearch.action.ingest.PutPipelineRequest;
import org.opensearch.action.search.DeleteSearchPipelineRequest;
import org.opensearch.action.search.PutSearchPipelineRequest;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.ingest.PassageProcessor;
import org.opensearchrealm.ingest.PassageProcessorFactory;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.settings.RealmMapping;

import java.io.IOException;

/**
 * Creates a REALM index in two steps: the pipeline that cuts and embeds documents, then the index that uses it as its
 * default pipeline. If the index cannot be created, the pipeline is removed again.
 */
public final class TransportCreateRealmIndexAction extends HandledTransportAction<CreateRealmIndexRequest, CreateRealmIndexResponse> {

    private static final Logger logger = LogManager.getLogger(TransportCreateRealmIndexAction.class);

    private final Client client;
    private final ClusterService clusterService;
    private final InferenceService models;

    @Inject
    public TransportCreateRealmIndexAction(
        TransportService transportService,
        ActionFilters actionFilters,
        Client client,
        ClusterService clusterService,
        InferenceService models
    ) {
        super(CreateRealmIndexAction.NAME, transportService, actionFilters, CreateRealmIndexRequest::new);
        this.client = client;
        this.clusterService = clusterService;
        this.models = models;
    }

    @Override
    protected void doExecute(Task task, CreateRealmIndexRequest request, ActionListener<CreateRealmIndexResponse> listener) {
        String pipeline = CreateRealmIndexRequest.pipelineId(request.index());
        ModelDescriptor model;
        PutPipelineRequest putPipeline;
        CreateIndexRequest createIndex;
        try {
            // checked before the pipeline is written: the pipeline of an existing index must not be replaced
            if (clusterService.state().metadata().getIndicesLookup().containsKey(request.index())) {
                throw new ResourceAlreadyExistsException("index [{}] already exists", request.index());
            }
            model = models.descriptor(request.model(), ModelDescriptor.Task.EMBEDDING);
            if (request.reader().isEmpty() == false) {
                models.descriptor(request.reader(), ModelDescriptor.Task.EXTRACTIVE_QA); // 404 unknown, 400 not a reader
            }
            putPipeline = new PutPipelineRequest(pipeline, BytesReference.bytes(pipelineDefinition(request)), MediaTypeRegistry.JSON);
            createIndex = new CreateIndexRequest(request.index()).settings(request.indexSettings())
                .mapping(RealmMapping.mapping(request.sourceField(), model.encoder().dimension()));
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        String searchPipeline = request.searchPipeline() ? CreateRealmIndexRequest.searchPipelineId(request.index()) : "";
        client.admin().cluster().putPipeline(putPipeline, ActionListener.wrap(ack -> {
            putSearchPipeline(request, searchPipeline, ActionListener.wrap(searchAck -> {
                client.admin().indices().create(createIndex, ActionListener.wrap(created -> {
                    logger.info("created REALM index [{}] over field [{}] with model [{}]", request.index(), request.sourceField(), model.id());
                    listener.onResponse(
                        new CreateRealmIndexResponse(request.index(), pipeline, model.id(), model.encoder().dimension(), request.reader(), searchPipeline)
                    );
                }, e -> removeSearchPipeline(searchPipeline, e, ActionListener.wrap(r -> {}, cause -> removePipeline(pipeline, cause, listener)))));
            }, e -> removePipeline(pipeline, e, listener)));
        }, listener::onFailure));
    }

    /** The default search pipeline, when the request asks for one: the question typed as text is asked of REALM. */
    private void putSearchPipeline(CreateRealmIndexRequest request, String id, ActionListener<Void> listener) {
        if (id.isEmpty()) {
            listener.onResponse(null);
            return;
        }
        try {
            XContentBuilder definition = JsonXContent.contentBuilder()
                .startObject()
                .field("description", "Asks REALM index [" + request.index() + "] the question of a search's query text, and adds the answers")
                .startArray("request_processors")
                .startObject()
                .startObject(CreateRealmIndexRequest.QUERY_PROCESSOR)
                .endObject()
                .endObject()
                .endArray()
                .startArray("response_processors")
                .startObject()
                .startObject(CreateRealmIndexRequest.ANSWERS_PROCESSOR)
                .endObject()
                .endObject()
                .endArray()
                .endObject();
            PutSearchPipelineRequest put = new PutSearchPipelineRequest(id, BytesReference.bytes(definition), MediaTypeRegistry.JSON);
            client.admin().cluster().putSearchPipeline(put, ActionListener.map(listener, ack -> null));
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    /** Removes the search pipeline again (when there is one), then fails with the cause. */
    private void removeSearchPipeline(String id, Exception cause, ActionListener<Void> listener) {
        if (id.isEmpty()) {
            listener.onFailure(cause);
            return;
        }
        client.admin().cluster().deleteSearchPipeline(new DeleteSearchPipelineRequest(id), ActionListener.wrap(ack -> listener.onFailure(cause), e -> {
            cause.addSuppressed(e);
            listener.onFailure(cause);
        }));
    }

    private void removePipeline(String pipeline, Exception cause, ActionListener<CreateRealmIndexResponse> listener) {
        client.admin().cluster().deletePipeline(new DeletePipelineRequest(pipeline), ActionListener.wrap(ack -> listener.onFailure(cause), e -> {
            cause.addSuppressed(e);
            listener.onFailure(cause);
        }));
    }

    private static XContentBuilder pipelineDefinition(CreateRealmIndexRequest request) throws IOException {
        return JsonXContent.contentBuilder()
            .startObject()
            .field("description", "Cuts [" + request.sourceField() + "] into passages and embeds them for REALM index [" + request.index() + "]")
            .startArray("processors")
            .startObject()
            .startObject(PassageProcessor.TYPE)
            .field(PassageProcessorFactory.FIELD, request.sourceField())
            .field(PassageProcessorFactory.MODEL, request.model())
            .field(PassageProcessorFactory.PASSAGE_TOKENS, request.passageTokens())
            .field(PassageProcessorFactory.OVERLAP_TOKENS, request.overlapTokens())
            .endObject()
            .endObject()
            .endArray()
            .endObject();
    }
}
