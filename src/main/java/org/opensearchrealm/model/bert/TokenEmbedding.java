/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** A lookup table of {@code count} vectors of {@code size} floats, indexed by int64 ids of any shape. */
public final class TokenEmbedding extends AbstractBlock {

    private final long count;
    private final long size;
    private final Parameter weight;

    @SuppressWarnings("this-escape")
    public TokenEmbedding(long count, long size) {
        this.count = count;
        this.size = size;
        this.weight = addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(count, size))
                .optInitializer(new NormalInitializer(0.02f))
                .build()
        );
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, ids.getDevice(), training);
        return Embedding.embedding(ids, w, SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0].add(size) };
    }

    @Override
    public String toString() {
        return "TokenEmbedding(" + count + ", " + size + ")";
    }
}
