/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

import org.opensearch.cluster.ClusterState;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.Processor;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.ModelDescriptor;

import java.util.Map;
import java.util.function.Supplier;

/** Creates {@link PassageProcessor}s from pipeline definitions, checking the model and passage size up front. */
public final class PassageProcessorFactory implements Processor.Factory {

    public static final String FIELD = "field";
    public static final String MODEL = "model";
    public static final String PASSAGE_TOKENS = "passage_tokens";
    public static final String OVERLAP_TOKENS = "overlap_tokens";
    public static final int DEFAULT_PASSAGE_TOKENS = 200;
    public static final int DEFAULT_OVERLAP_TOKENS = 32;
    /** [CLS] and [SEP] take two of the model's positions. */
    private static final int SPECIAL_TOKENS = 2;

    private final Supplier<InferenceService> inference;
    private final Supplier<ClusterState> clusterState;
    private final RealmMetrics metrics;

    /** @param clusterState the node's current cluster state: the target index's model and mapping, per document */
    public PassageProcessorFactory(Supplier<InferenceService> inference, Supplier<ClusterState> clusterState, RealmMetrics metrics) {
        this.inference = inference;
        this.clusterState = clusterState;
        this.metrics = metrics;
    }

    @Override
    public PassageProcessor create(Map<String, Processor.Factory> factories, String tag, String description, Map<String, Object> config) {
        String field = ConfigurationUtils.readStringProperty(PassageProcessor.TYPE, tag, config, FIELD);
        String modelId = ConfigurationUtils.readStringProperty(PassageProcessor.TYPE, tag, config, MODEL);
        int passageTokens = ConfigurationUtils.readIntProperty(PassageProcessor.TYPE, tag, config, PASSAGE_TOKENS, DEFAULT_PASSAGE_TOKENS);
        int overlapTokens = ConfigurationUtils.readIntProperty(PassageProcessor.TYPE, tag, config, OVERLAP_TOKENS, DEFAULT_OVERLAP_TOKENS);
        ModelDescriptor model = inference.get().descriptor(modelId, ModelDescriptor.Task.EMBEDDING);
        int limit = model.maxTokens() - SPECIAL_TOKENS;
        if (passageTokens > limit) {
            throw ConfigurationUtils.newConfigurationException(
                PassageProcessor.TYPE,
                tag,
                PASSAGE_TOKENS,
                "must be at most [" + limit + "] for model [" + modelId + "], got [" + passageTokens + "]"
            );
        }
        PassageSplitter splitter;
        try {
            splitter = new PassageSplitter(passageTokens, overlapTokens);
        } catch (IllegalArgumentException e) {
            throw ConfigurationUtils.newConfigurationException(PassageProcessor.TYPE, tag, PASSAGE_TOKENS, e.getMessage());
        }
        EmbeddingSpaceCheck targetCheck = new EmbeddingSpaceCheck(clusterState, modelId, model.encoder().dimension());
        return new PassageProcessor(tag, description, field, modelId, splitter, targetCheck, inference.get(), metrics);
    }
}
