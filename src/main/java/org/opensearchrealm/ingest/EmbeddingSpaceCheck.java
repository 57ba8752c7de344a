/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexAbstraction;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.MappingMetadata;
import org.opensearch.common.xcontent.support.XContentMapValues;
import org.opensearchrealm.settings.RealmMapping;
import org.opensearchrealm.settings.RealmSettings;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether a {@code realm_passages} processor may write into an index: vectors of two models live in different spaces
 * and their inner products mean nothing, so a hand-edited pipeline that embeds with another model than the index's
 * {@code index.realm.model} would fill it with passages that retrieval ranks at random. An index without that setting
 * (a mapping of the caller's own) is checked on the dimension its {@code realm_passages.vector} is mapped with.
 */
final class EmbeddingSpaceCheck {

    private final Supplier<ClusterState> clusterState;
    private final String modelId;
    private final int dimension;

    EmbeddingSpaceCheck(Supplier<ClusterState> clusterState, String modelId, int dimension) {
        this.clusterState = clusterState;
        this.modelId = modelId;
        this.dimension = dimension;
    }

    /**
     * Why the processor's passages cannot go into {@code index} (an index name or an alias, as the document names it),
     * or null when they can. An index that does not exist yet (created by the write) has nothing to compare with.
     */
    String refusal(String index) {
        IndexAbstraction target = index == null ? null : clusterState.get().metadata().getIndicesLookup().get(index);
        IndexMetadata metadata = target == null ? null : target.getWriteIndex();
        if (metadata == null) {
            return null;
        }
        String name = metadata.getIndex().getName();
        String indexModel = RealmSettings.INDEX_MODEL.get(metadata.getSettings());
        if (indexModel.isEmpty() == false && indexModel.equals(modelId) == false) {
            return "index ["
                + name
                + "] holds passages embedded with model ["
                + indexModel
                + "] ("
                + RealmSettings.INDEX_MODEL.getKey()
                + "), but the ["
                + PassageProcessor.TYPE
                + "] processor embeds with model ["
                + modelId
                + "]: vectors of different models cannot be compared; the processor must use model ["
                + indexModel
                + "]";
        }
        Object mapped = mappedDimension(metadata.mapping());
        if (mapped instanceof Number n && n.intValue() != dimension) {
            return "index ["
                + name
                + "] maps ["
                + RealmMapping.vectorPath()
                + "] with dimension ["
                + n.intValue()
                + "], but model ["
                + modelId
                + "] of the ["
                + PassageProcessor.TYPE
                + "] processor embeds in ["
                + dimension
                + "] dimensions";
        }
        return null;
    }

    private static Object mappedDimension(MappingMetadata mapping) {
        if (mapping == null) {
            return null;
        }
        Map<String, Object> source = mapping.sourceAsMap();
        return XContentMapValues.extractValue(
            source,
            "properties",
            RealmMapping.PASSAGES,
            "properties",
            RealmMapping.VECTOR,
            "dimension"
        );
    }
}
