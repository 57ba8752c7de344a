/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.util.List;

/**
 * What an encoder's descriptor ({@code "task": "embedding"}) adds: the vectors' dimension, how token vectors are
 * pooled into one, whether vectors are unit-normalised, the prefixes prepended to queries and passages, and the
 * model that encodes the questions of the indices of this one unless an index says otherwise (empty: this one).
 */
public record EncoderSpec(
    int dimension,
    ModelDescriptor.Pooling pooling,
    boolean normalize,
    String queryPrefix,
    String passagePrefix,
    String queryModel
) {

    /** The descriptor fields only encoders have. */
    static final List<String> FIELDS = List.of("dimension", "pooling", "normalize", "query_prefix", "passage_prefix", "query_model");
    static final int MAX_DIMENSION = 16_384;

    static EncoderSpec parse(DescriptorFields fields) {
        return new EncoderSpec(
            fields.requiredInt("dimension", 1, MAX_DIMENSION),
            fields.requiredEnum("pooling", ModelDescriptor.Pooling.values()),
            fields.optionalBoolean("normalize", true),
            fields.optionalString("query_prefix", ""),
            fields.optionalString("passage_prefix", ""),
            fields.optionalString("query_model", "")
        );
    }

    /** The text prepended to texts of this kind before they are embedded. */
    public String prefix(Encoder.TextKind kind) {
        return kind == Encoder.TextKind.QUERY ? queryPrefix : passagePrefix;
    }
}
