/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HF-compatible BERT encoder built from DJL blocks: word + position + token-type embeddings, LayerNorm, then
 * {@link BertLayer}s. Inputs: {@code input_ids}, {@code token_type_ids}, {@code attention_mask} (int64
 * {@code [B, T]}); output: the last hidden state {@code [B, T, H]}. Parameter names follow HF ({@link #hfParameters}).
 */
public final class BertEncoder extends AbstractBlock {

    /** Added to the attention scores of padding positions. */
    static final float MASKED = -10000f;

    private final BertConfig config;
    private final TokenEmbedding words;
    private final TokenEmbedding positions;
    private final TokenEmbedding types;
    private final LayerNorm embeddingNorm;
    private final List<BertLayer> layers = new ArrayList<>();

    @SuppressWarnings("this-escape")
    public BertEncoder(BertConfig config) {
        this.config = config;
        words = addChildBlock("word_embeddings", new TokenEmbedding(config.vocabSize(), config.hidden()));
        positions = addChildBlock("position_embeddings", new TokenEmbedding(config.maxPositions(), config.hidden()));
        types = addChildBlock("token_type_embeddings", new TokenEmbedding(config.typeVocabSize(), config.hidden()));
        embeddingNorm = addChildBlock("embeddings_norm", LayerNorm.builder().axis(2).optEpsilon(config.layerNormEpsilon()).build());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer_" + i, new BertLayer(config)));
        }
    }

    public BertConfig config() {
        return config;
    }

    /** HF parameter name (e.g. {@code encoder.layer.0.attention.self.query.weight}) to parameter, in HF order. */
    public Map<String, Parameter> hfParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        out.put("embeddings.word_embeddings.weight", words.weight());
        out.put("embeddings.position_embeddings.weight", positions.weight());
        out.put("embeddings.token_type_embeddings.weight", types.weight());
        BertLayer.norm(out, "embeddings.LayerNorm.", embeddingNorm);
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).hfParameters("encoder.layer." + i + ".", out);
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray typeIds = inputs.get(1);
        NDArray mask = inputs.get(2);
        long t = ids.getShape().get(1);
        NDManager manager = ids.getManager();
        NDArray positionIds = manager.arange(0L, t, 1L, DataType.INT64).expandDims(0);
        NDArray x = words.forward(ps, new NDList(ids), training).head();
        x = x.add(types.forward(ps, new NDList(typeIds), training).head());
        x = x.add(positions.forward(ps, new NDList(positionIds), training).head());
        x = embeddingNorm.forward(ps, new NDList(x), training).head();
        if (training && config.dropout() > 0) {
            x = Dropout.dropout(x, config.dropout(), true).head();
        }
        // [B, 1, 1, T]: 0 where attended, MASKED at padding
        NDArray bias = mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED).expandDims(1).expandDims(1);
        for (BertLayer layer : layers) {
            x = layer.forward(ps, new NDList(x, bias), training).head();
        }
        return new NDList(x);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        words.initialize(manager, dataType, ids);
        positions.initialize(manager, dataType, ids);
        types.initialize(manager, dataType, ids);
        Shape hidden = new Shape(ids.get(0), ids.get(1), config.hidden());
        embeddingNorm.initialize(manager, dataType, hidden);
        Shape bias = new Shape(ids.get(0), 1, 1, ids.get(1));
        for (BertLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, bias);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] { new Shape(ids.get(0), ids.get(1), config.hidden()) };
    }
}
